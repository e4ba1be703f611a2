#include "session/ServerProfile.h"

#include "Logging.h"
#include "api/ApiClient.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace pygmi::core {

namespace {

constexpr int kFormatVersion = 1;
// A profile is a few hundred bytes; anything much larger is not ours.
constexpr qint64 kMaxFileSize = 64 * 1024;

QString profilePath(const QString &configDir)
{
    return QDir(configDir).filePath(QStringLiteral("profile.json"));
}

} // namespace

QString ServerProfile::refreshTokenKey() const
{
    if (isLocal())
        return QStringLiteral("refresh:local:%1").arg(userId);
    // Port always written, so "https://h" and "https://h:443" name the same entry.
    const int port = url.port(url.scheme() == u"http" ? 80 : 443);
    return QStringLiteral("refresh:%1://%2:%3%4:%5")
        .arg(url.scheme(), url.host(), QString::number(port), url.path(), userId);
}

std::optional<ServerProfile> ServerProfile::load(const QString &configDir)
{
    QFile file(profilePath(configDir));
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxFileSize) {
        qCWarning(lcSession) << "cannot read the saved profile:" << file.errorString();
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        qCWarning(lcSession) << "the saved profile is not valid JSON; ignoring it";
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("version")).toInt() != kFormatVersion) {
        qCWarning(lcSession) << "the saved profile has an unknown format version; ignoring it";
        return std::nullopt;
    }
    ServerProfile p;
    const QString kind = o.value(QStringLiteral("kind")).toString();
    if (kind == u"local") {
        p.kind = Kind::Local;
    } else if (kind == u"remote") {
        p.kind = Kind::Remote;
        p.url = QUrl(o.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
        // A hand-edited file must not be able to downgrade the app to clear-text http.
        if (ApiClient::checkServerUrl(p.url)) {
            qCWarning(lcSession) << "the saved profile has an unusable server URL; ignoring it";
            return std::nullopt;
        }
        p.email = o.value(QStringLiteral("email")).toString();
    } else {
        qCWarning(lcSession) << "the saved profile has an unknown kind; ignoring it";
        return std::nullopt;
    }
    p.userId = o.value(QStringLiteral("user_id")).toString();
    p.displayName = o.value(QStringLiteral("display_name")).toString();
    return p;
}

bool ServerProfile::save(const QString &configDir) const
{
    if (!QDir().mkpath(configDir)) {
        qCWarning(lcSession) << "cannot create the config directory";
        return false;
    }
    // Only what identifies the server and the account; tokens live in the keychain.
    QJsonObject o;
    o.insert(QStringLiteral("version"), kFormatVersion);
    o.insert(QStringLiteral("kind"), isLocal() ? QStringLiteral("local") : QStringLiteral("remote"));
    if (!isLocal()) {
        o.insert(QStringLiteral("url"), url.toString(QUrl::FullyEncoded));
        o.insert(QStringLiteral("email"), email);
    }
    o.insert(QStringLiteral("user_id"), userId);
    o.insert(QStringLiteral("display_name"), displayName);

    QSaveFile file(profilePath(configDir));
    if (!file.open(QIODevice::WriteOnly)) {
        qCWarning(lcSession) << "cannot write the profile:" << file.errorString();
        return false;
    }
    // The email address is personal data: readable by this user only.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(o).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        qCWarning(lcSession) << "cannot save the profile:" << file.errorString();
        return false;
    }
    return true;
}

bool ServerProfile::remove(const QString &configDir)
{
    QFile file(profilePath(configDir));
    return !file.exists() || file.remove();
}

} // namespace pygmi::core
