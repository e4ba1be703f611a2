#include "session/SessionManager.h"

#include "Guarded.h"
#include "Logging.h"
#include "api/ApiClient.h"
#include "session/SecretStore.h"

#include <QJsonValue>
#include <QSysInfo>

#include <openssl/rand.h>

#include <limits>

namespace pygmi::core {

namespace {

// Refresh when 80% of the access token's life has passed: early enough to survive a slow
// network, late enough not to churn tokens.
constexpr double kRefreshAt = 0.8;
constexpr int kRefreshRetryMs = 30000; // after a refresh failed for network reasons
constexpr int kAuthTimeoutMs = 20000;
constexpr int kLogoutTimeoutMs = 5000; // sign-out must not hang on a dead server

UserInfo parseUser(const QJsonObject &o)
{
    UserInfo u;
    u.id = o.value(QStringLiteral("id")).toString();
    u.email = o.value(QStringLiteral("email")).toString(); // null for the local profile -> empty
    u.displayName = o.value(QStringLiteral("display_name")).toString();
    u.emailVerified = o.value(QStringLiteral("email_verified")).toBool();
    u.kind = o.value(QStringLiteral("kind")).toString();
    u.acceptedNoticeVersion = o.value(QStringLiteral("accepted_notice_version")).toString();
    return u;
}

bool isRefusal(const ApiError &error)
{
    // 400/401/403 on refresh or local login: the credential itself is no good any more.
    // Anything else (offline, 5xx, timeout) may pass, so the session is kept.
    return error.kind() == ApiError::Kind::Http
        && (error.httpStatus() == 400 || error.httpStatus() == 401 || error.httpStatus() == 403
            || error.httpStatus() == 404);
}

std::optional<QByteArray> makeInstallSecret()
{
    QByteArray raw(32, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(raw.data()), int(raw.size())) != 1)
        return std::nullopt;
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

ApiRequest authRequest(const QString &path, const QJsonObject &body)
{
    ApiRequest r;
    r.method = "POST";
    r.path = path;
    r.body = body;
    r.authenticated = false;
    r.timeoutMs = kAuthTimeoutMs;
    r.idempotent = false; // a replayed refresh would look like token theft and revoke the session
    return r;
}

} // namespace

SessionManager::SessionManager(ApiClient *api, SecretStore *secrets, const QString &configDir, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_apiGuard(api)
    , m_secrets(secrets)
    , m_configDir(configDir)
{
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] { refresh({}); });
    connect(m_api, &ApiClient::authenticationRequired, this, &SessionManager::onAuthenticationRequired);
}

SessionManager::~SessionManager()
{
    // Requests parked for a refresh that will now never finish must not wait forever.
    if (m_apiGuard && m_apiGuard->pendingAuthCount() > 0)
        m_apiGuard->resumeAfterRefresh(false);
}

bool SessionManager::isPersistent() const
{
    return m_secrets->isPersistent();
}

ServerInfo SessionManager::parseServerInfo(const QJsonObject &json, ApiError *error)
{
    ServerInfo info;
    info.name = json.value(QStringLiteral("name")).toString();
    info.version = json.value(QStringLiteral("version")).toString();
    info.apiVersion = json.value(QStringLiteral("api_version")).toInt(0);
    info.mode = json.value(QStringLiteral("mode")).toString();
    info.passwordMinLength = json.value(QStringLiteral("password_min_length")).toInt(10);
    const QJsonObject notice = json.value(QStringLiteral("notice")).toObject();
    info.noticeVersion = notice.value(QStringLiteral("version")).toString();
    info.noticeTitle = notice.value(QStringLiteral("title")).toString();

    ApiError result;
    if (!json.value(QStringLiteral("api_version")).isDouble() || info.mode.isEmpty()) {
        result = ApiError(ApiError::Kind::Protocol, QStringLiteral("bad_response"),
                          QStringLiteral("not a Pygmi server answer"));
    } else if (info.apiVersion < ApiClient::kRequiredApiVersion) {
        result = ApiError(ApiError::Kind::Protocol, QStringLiteral("server_too_old"),
                          QStringLiteral("server api_version %1 < %2")
                              .arg(info.apiVersion)
                              .arg(ApiClient::kRequiredApiVersion));
    }
    if (error)
        *error = result;
    return info;
}

void SessionManager::fetchServerInfo(QObject *context, std::function<void(const ServerInfo &, const ApiError &)> done)
{
    ApiRequest r;
    r.path = QStringLiteral("/v1/server");
    r.authenticated = false;
    r.idempotent = true;
    r.timeoutMs = 15000;
    m_api->send(r, context, [done = std::move(done)](const ApiResponse &response) {
        if (!response.ok()) {
            done(ServerInfo {}, response.error);
            return;
        }
        ApiError error;
        const ServerInfo info = parseServerInfo(response.json, &error);
        done(info, error);
    });
}

void SessionManager::signIn(const QString &email, const QString &password, QObject *context, Done done)
{
    auto callback = guarded(context, std::move(done));
    const QJsonObject body { { QStringLiteral("email"), email.trimmed() },
                             { QStringLiteral("password"), password },
                             { QStringLiteral("device_name"), deviceName() } };
    m_api->send(authRequest(QStringLiteral("/v1/auth/login"), body), this, [this, callback](const ApiResponse &r) {
        if (!r.ok()) {
            callback(r.error);
            return;
        }
        ServerProfile profile;
        profile.kind = ServerProfile::Kind::Remote;
        profile.url = m_api->baseUrl();
        acceptSession(r.json, profile, callback);
    });
}

void SessionManager::signUp(const SignUpForm &form, QObject *context, Done done)
{
    auto callback = guarded(context, std::move(done));
    const QJsonObject body {
        { QStringLiteral("email"), form.email.trimmed() },
        { QStringLiteral("password"), form.password },
        { QStringLiteral("display_name"), form.displayName.trimmed() },
        { QStringLiteral("birth_date"), form.birthDate.isValid() ? form.birthDate.toString(Qt::ISODate) : QString() },
        { QStringLiteral("accepted_notice_version"), form.acceptedNoticeVersion },
        { QStringLiteral("device_name"), deviceName() },
    };
    m_api->send(authRequest(QStringLiteral("/v1/auth/signup"), body), this, [this, callback](const ApiResponse &r) {
        if (!r.ok()) {
            callback(r.error);
            return;
        }
        ServerProfile profile;
        profile.kind = ServerProfile::Kind::Remote;
        profile.url = m_api->baseUrl();
        acceptSession(r.json, profile, callback);
    });
}

void SessionManager::acceptRemoteSession(const QJsonObject &session, QObject *context, Done done)
{
    ServerProfile profile;
    profile.kind = ServerProfile::Kind::Remote;
    profile.url = m_api->baseUrl();
    acceptSession(session, profile, guarded(context, std::move(done)));
}

void SessionManager::requestPasswordReset(const QString &email, QObject *context, Done done)
{
    const QJsonObject body { { QStringLiteral("email"), email.trimmed() } };
    m_api->send(authRequest(QStringLiteral("/v1/auth/password/forgot"), body), context,
                [done = std::move(done)](const ApiResponse &r) { done(r.error); });
}

void SessionManager::resetPassword(const QString &email, const QString &code, const QString &newPassword,
                                   QObject *context, Done done)
{
    const QJsonObject body { { QStringLiteral("email"), email.trimmed() },
                             { QStringLiteral("code"), code.trimmed() },
                             { QStringLiteral("new_password"), newPassword } };
    m_api->send(authRequest(QStringLiteral("/v1/auth/password/reset"), body), context,
                [done = std::move(done)](const ApiResponse &r) { done(r.error); });
}

void SessionManager::verifyEmail(const QString &code, QObject *context, Done done)
{
    auto callback = guarded(context, std::move(done));
    const quint64 generation = m_generation;
    m_api->post(
        QStringLiteral("/v1/auth/email/verify"), QJsonObject { { QStringLiteral("code"), code.trimmed() } }, this,
        [this, callback, generation](const ApiResponse &r) {
            if (r.ok() && generation == m_generation && !m_user.emailVerified) {
                m_user.emailVerified = true;
                emit userChanged(m_user);
            }
            callback(r.error);
        },
        true);
}

void SessionManager::resendVerification(QObject *context, Done done)
{
    m_api->post(QStringLiteral("/v1/auth/email/resend"), QJsonObject {}, context,
                [done = std::move(done)](const ApiResponse &r) { done(r.error); });
}

void SessionManager::loginLocal(std::function<void(const QJsonObject &, const ApiError &)> done)
{
    m_secrets->read(ServerProfile::installSecretKey(), this,
                    [this, done](std::optional<QByteArray> secret, const QString &error) {
                        if (!secret || secret->isEmpty()) {
                            done({}, ApiError(ApiError::Kind::Client,
                                              error.isEmpty() ? QStringLiteral("not_set_up")
                                                              : QStringLiteral("keychain_unavailable"),
                                              error));
                            return;
                        }
                        const QJsonObject body { { QStringLiteral("install_secret"), QString::fromLatin1(*secret) },
                                                 { QStringLiteral("device_name"), deviceName() } };
                        m_api->send(authRequest(QStringLiteral("/v1/auth/local/login"), body), this,
                                    [done](const ApiResponse &r) { done(r.json, r.error); });
                    });
}

void SessionManager::setUpLocal(const QString &displayName, const QDate &birthDate, const QString &noticeVersion,
                                QObject *context, Done done)
{
    auto callback = guarded(context, std::move(done));
    auto sendSetup = [this, displayName, birthDate, noticeVersion, callback](const QByteArray &secret, bool reused) {
        const QJsonObject body {
            { QStringLiteral("install_secret"), QString::fromLatin1(secret) },
            { QStringLiteral("display_name"), displayName.trimmed() },
            { QStringLiteral("birth_date"), birthDate.isValid() ? birthDate.toString(Qt::ISODate) : QString() },
            { QStringLiteral("accepted_notice_version"), noticeVersion },
            { QStringLiteral("device_name"), deviceName() },
        };
        m_api->send(authRequest(QStringLiteral("/v1/auth/local/setup"), body), this,
                    [this, callback, reused](const ApiResponse &r) {
                        ServerProfile profile; // Kind::Local
                        if (r.ok()) {
                            acceptSession(r.json, profile, callback);
                        } else if (reused && r.error.code() == u"already_set_up") {
                            // Set up in an earlier run with this very secret: just sign in.
                            signInLocal(nullptr, callback);
                        } else {
                            callback(r.error);
                        }
                    });
    };

    m_secrets->read(ServerProfile::installSecretKey(), this,
                    [this, sendSetup, callback](std::optional<QByteArray> existing, const QString &error) {
                        if (existing && !existing->isEmpty()) {
                            sendSetup(*existing, true);
                            return;
                        }
                        if (!error.isEmpty()) {
                            // We cannot tell whether a secret exists; making a new one could lock
                            // the user out of the profile the old one belongs to.
                            callback(ApiError(ApiError::Kind::Client, QStringLiteral("keychain_unavailable"), error));
                            return;
                        }
                        const auto secret = makeInstallSecret();
                        if (!secret) {
                            callback(ApiError(ApiError::Kind::Client, QStringLiteral("internal_error"),
                                              QStringLiteral("no random bytes")));
                            return;
                        }
                        // Stored before the server learns it, so a crash in between cannot leave
                        // a profile that nobody holds the key to.
                        m_secrets->write(ServerProfile::installSecretKey(), *secret, this,
                                         [sendSetup, secret](bool persisted, const QString &) {
                                             if (!persisted)
                                                 qCWarning(lcSession)
                                                     << "the local profile's key is kept in memory only; it will be "
                                                        "lost when the app quits";
                                             sendSetup(*secret, false);
                                         });
                    });
}

void SessionManager::signInLocal(QObject *context, Done done)
{
    auto callback = guarded(context, std::move(done));
    loginLocal([this, callback](const QJsonObject &session, const ApiError &error) {
        if (error) {
            callback(error);
            return;
        }
        acceptSession(session, ServerProfile {}, callback);
    });
}

void SessionManager::restore(const ServerProfile &profile, QObject *context, Done done)
{
    auto callback = guarded(context, std::move(done));
    ++m_generation;
    m_profile = profile;
    setState(State::Restoring);
    const quint64 generation = m_generation;
    auto fail = [this, callback, generation](const ApiError &error) {
        if (generation == m_generation)
            setState(State::SignedOut);
        callback(error);
    };

    if (profile.isLocal()) {
        loginLocal([this, profile, callback, fail, generation](const QJsonObject &session, const ApiError &error) {
            if (generation != m_generation)
                return;
            if (error)
                fail(error);
            else
                acceptSession(session, profile, callback);
        });
        return;
    }

    if (const ApiError urlError = ApiClient::checkServerUrl(profile.url)) {
        fail(urlError);
        return;
    }
    m_api->setBaseUrl(profile.url);
    const QString key = profile.refreshTokenKey();
    m_secrets->read(key, this, [this, profile, key, callback, fail, generation](std::optional<QByteArray> token,
                                                                                 const QString &error) {
        if (generation != m_generation)
            return;
        if (!token || token->isEmpty()) {
            fail(ApiError(ApiError::Kind::Client,
                          error.isEmpty() ? QStringLiteral("no_saved_session") : QStringLiteral("keychain_unavailable"),
                          error));
            return;
        }
        const QJsonObject body { { QStringLiteral("refresh_token"), QString::fromLatin1(*token) } };
        m_api->send(authRequest(QStringLiteral("/v1/auth/refresh"), body), this,
                    [this, profile, key, callback, fail, generation](const ApiResponse &r) {
                        if (generation != m_generation)
                            return;
                        if (r.ok()) {
                            acceptSession(r.json, profile, callback);
                            return;
                        }
                        if (isRefusal(r.error)) {
                            // Revoked or used: the saved token is worthless; do not offer it again.
                            m_secrets->remove(key, this, [](bool) {});
                        }
                        fail(r.error);
                    });
    });
}

bool SessionManager::applyTokens(const QJsonObject &session, int *expiresIn)
{
    const QString access = session.value(QStringLiteral("access_token")).toString();
    const QString refreshToken = session.value(QStringLiteral("refresh_token")).toString();
    if (access.isEmpty() || refreshToken.isEmpty())
        return false;
    m_api->setAccessToken(access);
    m_refreshToken = refreshToken.toLatin1();
    if (expiresIn)
        *expiresIn = session.value(QStringLiteral("expires_in")).toInt(900);
    return true;
}

void SessionManager::acceptSession(const QJsonObject &session, ServerProfile profile, Done done)
{
    const UserInfo user = parseUser(session.value(QStringLiteral("user")).toObject());
    const QString oldKey = m_profile.userId.isEmpty() ? QString() : m_profile.refreshTokenKey();
    int expiresIn = 0;
    if (user.id.isEmpty() || !applyTokens(session, &expiresIn)) {
        if (m_state == State::Restoring)
            setState(State::SignedOut);
        done(ApiError(ApiError::Kind::Protocol, QStringLiteral("bad_response"),
                      QStringLiteral("session answer without tokens or user")));
        return;
    }
    ++m_generation;
    profile.userId = user.id;
    profile.displayName = user.displayName;
    if (!profile.isLocal())
        profile.email = user.email;
    m_profile = profile;
    m_user = user;
    const QString newKey = m_profile.refreshTokenKey();
    if (!oldKey.isEmpty() && oldKey != newKey)
        m_secrets->remove(oldKey, this, [](bool) {}); // another account's leftover

    const quint64 generation = m_generation;
    persistRefreshToken([this, done, expiresIn, generation] {
        if (generation != m_generation) {
            done(ApiError(ApiError::Kind::Client, QStringLiteral("session_expired")));
            return;
        }
        if (!m_profile.save(m_configDir))
            qCWarning(lcSession) << "the profile could not be saved; the app will ask for the server next time";
        scheduleRefresh(expiresIn);
        setState(State::SignedIn);
        emit userChanged(m_user);
        qCInfo(lcSession) << "signed in" << (m_profile.isLocal() ? "to the local server" : "to a remote server")
                          << (isPersistent() ? "(kept in the keychain)" : "(memory only)");
        done(ApiError {});
    });
}

void SessionManager::persistRefreshToken(std::function<void()> done)
{
    // The local profile signs in again with its install secret, so its refresh token never
    // needs to outlive the process: one credential fewer in the keychain.
    if (m_profile.isLocal()) {
        if (done)
            done();
        return;
    }
    m_secrets->write(m_profile.refreshTokenKey(), m_refreshToken, this, [done](bool persisted, const QString &error) {
        if (!persisted)
            qCWarning(lcSession) << "refresh token kept in memory only:" << error;
        if (done)
            done();
    });
}

void SessionManager::scheduleRefresh(int expiresInSeconds)
{
    if (expiresInSeconds <= 0)
        expiresInSeconds = 900;
    const qint64 ms = qMax<qint64>(1000, qint64(expiresInSeconds * 1000.0 * kRefreshAt));
    m_refreshTimer.start(int(qMin<qint64>(ms, std::numeric_limits<int>::max())));
}

void SessionManager::onAuthenticationRequired()
{
    if (m_state != State::SignedIn || m_refreshToken.isEmpty()) {
        m_api->resumeAfterRefresh(false);
        return;
    }
    refresh({}); // resumes the parked requests when done
}

void SessionManager::refresh(std::function<void(bool ok, const ApiError &error)> done)
{
    if (done)
        m_refreshWaiters.append(std::move(done));
    if (m_refreshing)
        return; // one refresh at a time: a second would present an already-used token
    if (m_state != State::SignedIn || m_refreshToken.isEmpty()) {
        completeRefresh(false, ApiError(ApiError::Kind::Client, QStringLiteral("session_expired")));
        return;
    }
    m_refreshing = true;
    m_refreshTimer.stop();
    const quint64 generation = m_generation;
    const QJsonObject body { { QStringLiteral("refresh_token"), QString::fromLatin1(m_refreshToken) } };
    m_api->send(authRequest(QStringLiteral("/v1/auth/refresh"), body), this, [this, generation](const ApiResponse &r) {
        if (generation != m_generation)
            return; // signed out meanwhile; clearSession already answered the waiters
        int expiresIn = 0;
        if (r.ok() && applyTokens(r.json, &expiresIn)) {
            const UserInfo user = parseUser(r.json.value(QStringLiteral("user")).toObject());
            if (!user.id.isEmpty() && user.id == m_user.id
                && (user.displayName != m_user.displayName || user.emailVerified != m_user.emailVerified
                    || user.email != m_user.email)) {
                m_user = user;
                emit userChanged(m_user);
            }
            scheduleRefresh(expiresIn);
            qCDebug(lcSession) << "access token refreshed";
            // The old refresh token is spent: the keychain must hold the new one before a
            // crash could make us present the old one at the next start.
            persistRefreshToken({});
            completeRefresh(true, {});
            return;
        }
        const ApiError error = r.ok() ? ApiError(ApiError::Kind::Protocol, QStringLiteral("bad_response")) : r.error;
        if (isRefusal(error)) {
            if (m_profile.isLocal() && !m_signingOut) {
                // The local profile still holds its install secret: sign in again silently.
                loginLocal([this, generation, error](const QJsonObject &session, const ApiError &loginError) {
                    if (generation != m_generation)
                        return;
                    int localExpires = 0;
                    if (!loginError && applyTokens(session, &localExpires)) {
                        scheduleRefresh(localExpires);
                        completeRefresh(true, {});
                    } else {
                        expire(loginError ? loginError : error);
                    }
                });
                return;
            }
            expire(error);
            return;
        }
        qCInfo(lcSession) << "refresh failed, will retry:" << error.code();
        m_refreshTimer.start(kRefreshRetryMs);
        completeRefresh(false, error);
    });
}

void SessionManager::completeRefresh(bool ok, const ApiError &error)
{
    m_refreshing = false;
    const auto waiters = std::exchange(m_refreshWaiters, {});
    for (const auto &waiter : waiters)
        waiter(ok, error);
    const bool offline = error.kind() == ApiError::Kind::Network || error.kind() == ApiError::Kind::Timeout
        || error.kind() == ApiError::Kind::Tls || (error.kind() == ApiError::Kind::Http && error.httpStatus() >= 500);
    if (!ok && offline)
        m_api->failWaitingForAuth(error); // still signed in; the server was just not reachable
    else
        m_api->resumeAfterRefresh(ok);
}

void SessionManager::expire(const ApiError &reason)
{
    qCInfo(lcSession) << "session ended by the server:" << reason.code();
    const bool signingOut = m_signingOut;
    clearSession({});
    if (!signingOut)
        emit sessionExpired(reason);
}

void SessionManager::clearSession(std::function<void()> done)
{
    ++m_generation;
    m_refreshTimer.stop();
    const QString key = m_profile.userId.isEmpty() ? QString() : m_profile.refreshTokenKey();
    m_api->setAccessToken(QString());
    m_refreshToken.clear();
    const bool hadUser = !m_user.id.isEmpty();
    m_user = UserInfo {};
    // State first: the parked requests failed below may call back into this object.
    setState(State::SignedOut);
    if (m_refreshing)
        completeRefresh(false, ApiError(ApiError::Kind::Client, QStringLiteral("session_expired")));
    else
        m_api->resumeAfterRefresh(false);
    if (hadUser)
        emit userChanged(m_user);
    if (key.isEmpty() || m_profile.isLocal()) {
        if (done)
            done();
        return;
    }
    m_secrets->remove(key, this, [done](bool ok) {
        if (!ok)
            qCWarning(lcSession) << "the refresh token could not be removed from the keychain";
        if (done)
            done();
    });
}

void SessionManager::signOut(QObject *context, Done done)
{
    auto callback = guarded(context, std::move(done));
    if (m_state != State::SignedIn) {
        clearSession([callback] { callback(ApiError {}); });
        return;
    }
    m_signingOut = true;
    ApiRequest r;
    r.method = "POST";
    r.path = QStringLiteral("/v1/auth/logout");
    r.body = QJsonObject {};
    r.timeoutMs = kLogoutTimeoutMs;
    // Authenticated on purpose: if the access token has expired, the usual refresh-and-retry
    // gets a fresh one so the revocation still reaches the server.
    const quint64 generation = m_generation;
    m_api->send(r, this, [this, callback, generation](const ApiResponse &response) {
        if (!response.ok())
            qCInfo(lcSession) << "sign-out could not reach the server:" << response.error.code();
        auto finish = [this, callback] {
            m_signingOut = false;
            callback(ApiError {});
        };
        // A refusal during sign-out may already have cleared the session.
        if (generation == m_generation || m_state == State::SignedIn)
            clearSession(finish);
        else
            finish();
    });
}

void SessionManager::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

QString SessionManager::deviceName() const
{
    // Lets the user recognise this device in a list of sessions; nothing more identifying.
    return QStringLiteral("%1 (%2)").arg(QSysInfo::machineHostName(), QSysInfo::prettyProductName()).left(100);
}

} // namespace pygmi::core
