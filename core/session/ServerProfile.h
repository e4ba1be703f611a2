#pragma once

#include <QString>
#include <QUrl>

#include <optional>

namespace pygmi::core {

// Which server the app uses and for whom. Holds no secret: it is saved as JSON in the
// config location (written to a new file, then renamed) and read at start-up.
struct ServerProfile
{
    enum class Kind { Local, Remote };

    Kind kind = Kind::Local;
    QUrl url; // Remote only; the local server's URL changes every start
    QString userId;
    QString email; // Remote only
    QString displayName;

    bool isLocal() const { return kind == Kind::Local; }
    // Keychain key for this profile's refresh token, e.g. "refresh:https://host:443:user-id".
    QString refreshTokenKey() const;
    // Keychain key of the local profile's per-install secret.
    static QString installSecretKey() { return QStringLiteral("local:install-secret"); }

    // Loads `profile.json` from dir; nullopt when there is none yet (first run) or it is unreadable.
    static std::optional<ServerProfile> load(const QString &configDir);
    bool save(const QString &configDir) const;
    static bool remove(const QString &configDir);
};

} // namespace pygmi::core
