#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace pygmi::server {

// One identity provider as a deployment configures it (--oidc-config FILE, a JSON list of
// {id, display_name, icon?, issuer, client_id, client_secret?, scopes?}).
struct OidcProviderConfig
{
    QString id; // [a-z0-9_-]{1,32}, used in URLs
    QString displayName;
    QString icon; // optional: an https URL or a short icon name the app knows
    QString issuer;
    QString clientId;
    QString clientSecret; // empty: a public client (PKCE only)
    QStringList scopes; // always contains "openid"

    // Reads and checks the file; false with a message. Issuers must be https (http only on
    // loopback, for tests and development).
    static bool loadFile(const QString &path, std::vector<OidcProviderConfig> *providers, QString *error);
};

} // namespace pygmi::server
