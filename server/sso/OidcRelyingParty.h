#pragma once

#include "IdTokenVerifier.h"
#include "JwkSet.h"
#include "OidcProviderConfig.h"

#include <QUrl>
#include <cstdint>
#include <mutex>
#include <optional>

namespace pygmi::server {

class Clock;

// The server as an OpenID Connect client of one provider: discovery, the authorization
// request, the code exchange at the token endpoint and the ID token check. Discovery and the
// provider's keys are cached; an unknown key id triggers one early refetch of the keys (key
// rotation), at most once per kKeyRefetchMs. Thread-safe: worker threads share one instance.
class OidcRelyingParty
{
public:
    static constexpr std::int64_t kDiscoveryTtlMs = 60LL * 60 * 1000;
    static constexpr std::int64_t kKeysTtlMs = 60LL * 60 * 1000;
    static constexpr std::int64_t kKeyRefetchMs = 5000;

    struct Metadata
    {
        QUrl authorizationEndpoint;
        QUrl tokenEndpoint;
        QUrl jwksUri;
    };

    // What went wrong, for the app ("provider_unavailable", "token_refused", or an ID token
    // failure code such as "expired") and for logs.
    struct Error
    {
        QString code;
        QString detail;
    };

    OidcRelyingParty(OidcProviderConfig config, const Clock &clock);

    const OidcProviderConfig &config() const { return m_config; }

    std::optional<Metadata> metadata(Error *error);
    QUrl authorizationUrl(const Metadata &metadata, const QUrl &callback, const QString &state, const QString &nonce,
                          const QString &codeChallenge) const;
    // Redeems the provider's code and checks the ID token it returns. The provider's access and
    // refresh tokens are dropped here: the app never sees them and the server keeps none.
    std::optional<IdTokenVerifier::Claims> redeem(const QString &code, const QString &codeVerifier,
                                                  const QUrl &callback, const QString &nonce, Error *error);

private:
    std::optional<JwkSet> keys(const Metadata &metadata, bool forceRefresh, Error *error);

    OidcProviderConfig m_config;
    const Clock &m_clock;
    std::mutex m_mutex;
    std::optional<Metadata> m_metadata;
    std::int64_t m_metadataAt = 0;
    std::optional<JwkSet> m_keys;
    std::int64_t m_keysAt = 0;
};

} // namespace pygmi::server
