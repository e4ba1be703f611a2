#include "OidcProviderConfig.h"

#include "OutboundHttp.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

namespace pygmi::server {

bool OidcProviderConfig::loadFile(const QString &path, std::vector<OidcProviderConfig> *providers, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the OpenID Connect configuration %1").arg(path);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.read(1024 * 1024), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isArray()) {
        *error = QStringLiteral("%1: expected a JSON list of providers").arg(path);
        return false;
    }
    static const QRegularExpression idPattern(QStringLiteral("^[a-z0-9_-]{1,32}$"));
    QSet<QString> seen;
    for (const QJsonValue &value : document.array()) {
        const QJsonObject object = value.toObject();
        OidcProviderConfig config;
        config.id = object.value(QStringLiteral("id")).toString();
        config.displayName = object.value(QStringLiteral("display_name")).toString().trimmed();
        config.icon = object.value(QStringLiteral("icon")).toString();
        config.issuer = object.value(QStringLiteral("issuer")).toString();
        config.clientId = object.value(QStringLiteral("client_id")).toString();
        config.clientSecret = object.value(QStringLiteral("client_secret")).toString();
        for (const QJsonValue &scope : object.value(QStringLiteral("scopes")).toArray())
            config.scopes << scope.toString();
        if (config.scopes.isEmpty())
            config.scopes
                = QStringList { QStringLiteral("openid"), QStringLiteral("email"), QStringLiteral("profile") };
        if (!config.scopes.contains(QStringLiteral("openid")))
            config.scopes.prepend(QStringLiteral("openid"));
        if (!idPattern.match(config.id).hasMatch() || seen.contains(config.id)) {
            *error = QStringLiteral("%1: every provider needs a unique id of a-z, 0-9, _ or - (at most 32)").arg(path);
            return false;
        }
        const QUrl issuer(config.issuer, QUrl::StrictMode);
        if (config.displayName.isEmpty() || config.clientId.isEmpty() || !OutboundHttp::isAllowedUrl(issuer)
            || issuer.hasQuery()) {
            *error = QStringLiteral("%1: provider %2 needs display_name, client_id and an https issuer (http only "
                                    "on a loopback address)")
                         .arg(path, config.id);
            return false;
        }
        seen.insert(config.id);
        providers->push_back(config);
    }
    return true;
}

} // namespace pygmi::server
