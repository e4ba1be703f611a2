#pragma once

#include "api/ApiError.h"
#include "session/ServerProfile.h"

#include <QDate>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace pygmi::core {

class ApiClient;
class SecretStore;

struct UserInfo
{
    QString id;
    QString email; // empty for the local profile
    QString displayName;
    bool emailVerified = false;
    QString kind; // "password" | "local"
    QString acceptedNoticeVersion;
};

struct SignUpForm
{
    QString email;
    QString password;
    QString displayName;
    QDate birthDate; // sent once for the age check; the server does not store it
    QString acceptedNoticeVersion; // empty = not accepted
};

struct ServerInfo
{
    QString name;
    QString version;
    int apiVersion = 0;
    QString mode; // "local" | "hosted"
    int passwordMinLength = 10;
    QString noticeVersion;
    QString noticeTitle;
};

// Owns the signed-in state: tokens (access in memory, refresh in the SecretStore),
// refresh before expiry, refresh-and-retry on 401, sign-out with revocation.
class SessionManager : public QObject
{
    Q_OBJECT

public:
    enum class State { SignedOut, Restoring, SignedIn };
    Q_ENUM(State)

    using Done = std::function<void(const ApiError &error)>; // error.isError() == false on success

    SessionManager(ApiClient *api, SecretStore *secrets, const QString &configDir, QObject *parent = nullptr);
    ~SessionManager() override;

    State state() const { return m_state; }
    UserInfo user() const { return m_user; }
    ServerProfile profile() const { return m_profile; }
    // False while the keychain is unavailable: the session will not survive a restart.
    bool isPersistent() const;

    // GET /v1/server; fails with "server_too_old" when the API version is below ours.
    void fetchServerInfo(QObject *context, std::function<void(const ServerInfo &, const ApiError &)> done);
    // Reads a /v1/server answer; `error` becomes "server_too_old" (api_version below
    // ApiClient::kRequiredApiVersion) or "bad_response" (not a Pygmi server).
    static ServerInfo parseServerInfo(const QJsonObject &json, ApiError *error);

    // Remote server (ApiClient's base URL must be set first).
    void signIn(const QString &email, const QString &password, QObject *context, Done done);
    void signUp(const SignUpForm &form, QObject *context, Done done);
    void requestPasswordReset(const QString &email, QObject *context, Done done);
    void resetPassword(const QString &email, const QString &code, const QString &newPassword, QObject *context,
                       Done done);
    // Takes a Session answer that another sign-in route produced (single sign-on) for the
    // remote server at ApiClient's base URL: tokens, keychain and profile as for signIn().
    void acceptRemoteSession(const QJsonObject &session, QObject *context, Done done);
    void verifyEmail(const QString &code, QObject *context, Done done);
    void resendVerification(QObject *context, Done done);

    // Local server: first set-up (creates the install secret in the keychain) and sign-in.
    void setUpLocal(const QString &displayName, const QDate &birthDate, const QString &noticeVersion,
                    QObject *context, Done done);
    void signInLocal(QObject *context, Done done);

    // Start-up: resume the saved profile's session from the keychain without asking anything.
    void restore(const ServerProfile &profile, QObject *context, Done done);

    // Revokes the session on the server (best effort when offline), forgets tokens locally.
    void signOut(QObject *context, Done done);

Q_SIGNALS:
    void stateChanged(pygmi::core::SessionManager::State state);
    void userChanged(const pygmi::core::UserInfo &user);
    // The session ended without the user asking (refresh refused, revoked elsewhere).
    void sessionExpired(const pygmi::core::ApiError &reason);

private:
    void acceptSession(const QJsonObject &session, ServerProfile profile, Done done);
    void refresh(std::function<void(bool ok, const ApiError &error)> done);
    void scheduleRefresh(int expiresInSeconds);
    void setState(State state);
    QString deviceName() const;

    void onAuthenticationRequired();
    // Takes tokens (and the user, when present) from a Session answer; false if it is malformed.
    bool applyTokens(const QJsonObject &session, int *expiresIn);
    void completeRefresh(bool ok, const ApiError &error);
    // Forgets tokens in memory and the refresh token in the keychain; keeps the profile.
    void clearSession(std::function<void()> done);
    void expire(const ApiError &reason);
    void loginLocal(std::function<void(const QJsonObject &session, const ApiError &error)> done);
    void persistRefreshToken(std::function<void()> done);

    ApiClient *m_api;
    QPointer<ApiClient> m_apiGuard; // m_api may be destroyed first at shutdown
    SecretStore *m_secrets;
    QString m_configDir;
    State m_state = State::SignedOut;
    ServerProfile m_profile;
    UserInfo m_user;
    QByteArray m_refreshToken; // kept in memory as well as in the keychain
    QTimer m_refreshTimer;
    bool m_refreshing = false;
    QList<std::function<void(bool ok, const ApiError &error)>> m_refreshWaiters;
    quint64 m_generation = 0; // bumped whenever the session changes; stale answers compare it
    bool m_signingOut = false;
};

} // namespace pygmi::core
