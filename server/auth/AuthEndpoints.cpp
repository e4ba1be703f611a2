#include "AuthEndpoints.h"

#include "AccountValidator.h"
#include "LoginThrottle.h"
#include "PasswordHasher.h"
#include "PasswordPolicy.h"
#include "common/Clock.h"
#include "common/Logging.h"
#include "common/Secrets.h"
#include "http/ApiError.h"
#include "http/JsonBody.h"
#include "http/Router.h"
#include "mail/MailOutbox.h"
#include "notice/PrivacyNotice.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QUuid>

namespace pygmi::server {

namespace {

constexpr std::int64_t kVerifyCodeTtlMs = 24LL * 3600 * 1000;
constexpr std::int64_t kResetCodeTtlMs = 30LL * 60 * 1000;
constexpr int kCodeAttempts = 5;
constexpr std::int64_t kMailIntervalMs = 60LL * 1000;
const QString kVerifyPurpose = QStringLiteral("verify_email");
const QString kResetPurpose = QStringLiteral("reset_password");

HttpResponse invalidCredentials()
{
    return ApiError::make(401, QStringLiteral("invalid_credentials"), QStringLiteral("The sign-in details are wrong."));
}

HttpResponse invalidCode()
{
    return ApiError::make(400, QStringLiteral("invalid_code"),
                          QStringLiteral("The code is wrong, expired or already used."));
}

bool looksLikeCode(const QString &code)
{
    static const QRegularExpression sixDigits(QStringLiteral("^\\d{6}$"));
    return sixDigits.match(code).hasMatch();
}

// Optional device name: absent is fine, anything present must be a clean short string.
QString readDeviceName(JsonBody &body)
{
    QString device;
    if (const auto raw = body.string(QStringLiteral("device_name"), false)) {
        if (const auto code = AccountValidator::checkDeviceName(*raw, &device))
            body.fail(QStringLiteral("device_name"), *code);
    }
    return device;
}

} // namespace

AuthEndpoints::AuthEndpoints(Settings settings, const AuthStore &store, const PasswordHasher &hasher,
                             LoginThrottle &throttle, const MailOutbox &outbox, const PrivacyNotice &notice,
                             const Clock &clock)
    : m_settings(settings)
    , m_store(store)
    , m_hasher(hasher)
    , m_throttle(throttle)
    , m_outbox(outbox)
    , m_notice(notice)
    , m_clock(clock)
{ }

void AuthEndpoints::registerRoutes(Router &router)
{
    const auto bind = [this](HttpResponse (AuthEndpoints::*method)(const HttpRequest &)) {
        return [this, method](const HttpRequest &request) { return (this->*method)(request); };
    };
    router.add("POST", "/v1/auth/signup", bind(&AuthEndpoints::signup));
    router.add("POST", "/v1/auth/login", bind(&AuthEndpoints::login));
    router.add("POST", "/v1/auth/refresh", bind(&AuthEndpoints::refresh));
    router.add("POST", "/v1/auth/logout", bind(&AuthEndpoints::logout));
    router.add("GET", "/v1/me", bind(&AuthEndpoints::me));
    router.add("POST", "/v1/auth/email/verify", bind(&AuthEndpoints::verifyEmail));
    router.add("POST", "/v1/auth/email/resend", bind(&AuthEndpoints::resendVerification));
    router.add("POST", "/v1/auth/password/forgot", bind(&AuthEndpoints::forgotPassword));
    router.add("POST", "/v1/auth/password/reset", bind(&AuthEndpoints::resetPassword));
    router.add("POST", "/v1/auth/local/setup", bind(&AuthEndpoints::localSetup));
    router.add("POST", "/v1/auth/local/login", bind(&AuthEndpoints::localLogin));
}

AuthStore::TokenLifetimes AuthEndpoints::lifetimes() const
{
    return { m_settings.accessTtlSeconds * 1000, m_settings.refreshTtlSeconds * 1000 };
}

QJsonObject AuthEndpoints::userJson(const AuthStore::User &user)
{
    return QJsonObject { { QStringLiteral("id"), user.id },
                         { QStringLiteral("email"), user.email.isNull() ? QJsonValue() : QJsonValue(user.email) },
                         { QStringLiteral("display_name"), user.displayName },
                         { QStringLiteral("email_verified"), user.emailVerifiedAt.has_value() },
                         { QStringLiteral("kind"), user.kind },
                         { QStringLiteral("created_at"), Clock::toIso(user.createdAt) },
                         { QStringLiteral("accepted_notice_version"), user.acceptedNoticeVersion } };
}

HttpResponse AuthEndpoints::sessionResponse(int status, const AuthStore::Tokens &tokens,
                                            const AuthStore::User &user) const
{
    return HttpResponse::json(
        status,
        QJsonObject { { QStringLiteral("access_token"), tokens.accessToken },
                      { QStringLiteral("token_type"), QStringLiteral("Bearer") },
                      { QStringLiteral("expires_in"), qint64(m_settings.accessTtlSeconds) },
                      { QStringLiteral("refresh_token"), tokens.refreshToken },
                      { QStringLiteral("refresh_expires_in"), qint64(m_settings.refreshTtlSeconds) },
                      { QStringLiteral("user"), userJson(user) } });
}

std::optional<HttpResponse> AuthEndpoints::authenticate(const HttpRequest &request, Caller *caller,
                                                        bool allowExpired) const
{
    const QString token = QString::fromStdString(request.bearerToken());
    if (token.isEmpty())
        return ApiError::unauthorized();
    const AuthStore::AccessOutcome outcome = m_store.checkAccess(token, m_clock.nowMs());
    if (outcome.result == AuthStore::AccessResult::Invalid)
        return ApiError::unauthorized();
    if (outcome.result == AuthStore::AccessResult::Expired && !allowExpired) {
        HttpResponse response = ApiError::make(401, QStringLiteral("token_expired"),
                                               QStringLiteral("The access token has expired; refresh it."));
        response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return response;
    }
    caller->userId = outcome.userId;
    caller->familyId = outcome.familyId;
    if (m_seenHook)
        m_seenHook(*caller, request);
    return std::nullopt;
}

QString AuthEndpoints::readNewProfile(JsonBody &body) const
{
    const auto displayName = body.string(QStringLiteral("display_name"));
    const auto birthDate = body.string(QStringLiteral("birth_date"));
    const auto notice = body.string(QStringLiteral("accepted_notice_version"), false);
    QString normalizedName;
    if (displayName) {
        if (const auto code = AccountValidator::checkDisplayName(*displayName, &normalizedName))
            body.fail(QStringLiteral("display_name"), *code);
    }
    if (birthDate) {
        const QDate today = QDateTime::fromMSecsSinceEpoch(m_clock.nowMs(), Qt::UTC).date();
        if (const auto code = AccountValidator::checkBirthDate(*birthDate, today))
            body.fail(QStringLiteral("birth_date"), *code);
    }
    if (!body.hasError(QStringLiteral("accepted_notice_version"))) {
        if (const auto code = AccountValidator::checkNoticeVersion(notice, m_notice.version()))
            body.fail(QStringLiteral("accepted_notice_version"), *code);
    }
    return body.hasError(QStringLiteral("display_name")) ? QString() : normalizedName;
}

HttpResponse AuthEndpoints::signup(const HttpRequest &request)
{
    if (m_settings.localMode)
        return ApiError::notAvailable();
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto email = body.string(QStringLiteral("email"));
    const auto password = body.string(QStringLiteral("password"));
    const QString normalizedName = readNewProfile(body);
    const QString device = readDeviceName(body);

    QString normalizedEmail;
    if (email) {
        if (const auto code = AccountValidator::checkEmail(*email, &normalizedEmail))
            body.fail(QStringLiteral("email"), *code);
    }
    if (password) {
        const QString emailForPolicy = normalizedEmail.isEmpty() && email ? *email : normalizedEmail;
        // Even a refused name must not be usable as the password.
        const QString nameForPolicy
            = normalizedName.isEmpty() ? object.value(QStringLiteral("display_name")).toString() : normalizedName;
        if (const auto code = PasswordPolicy::check(*password, emailForPolicy, nameForPolicy))
            body.fail(QStringLiteral("password"), *code);
    }
    // Nothing is stored unless every field passed; the birth date itself is never stored.
    if (body.hasErrors())
        return ApiError::validation(body.errors());

    const auto emailTaken = [] {
        return ApiError::make(409, QStringLiteral("email_taken"),
                              QStringLiteral("An account with this email address already exists."));
    };
    if (m_store.userByEmail(normalizedEmail))
        return emailTaken();
    const std::optional<QString> hash = m_hasher.hash(*password);
    if (!hash)
        return ApiError::internalError();

    const std::int64_t now = m_clock.nowMs();
    AuthStore::User user;
    user.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    user.kind = QStringLiteral("password");
    user.email = normalizedEmail;
    user.displayName = normalizedName;
    user.passwordHash = *hash;
    user.createdAt = now;
    user.acceptedNoticeVersion = m_notice.version();
    AuthStore::Tokens tokens;
    if (!m_store.createUserWithSession(user, now, device, lifetimes(), &tokens))
        return emailTaken();
    qCInfo(lcAuth) << "account created" << user.id;
    reserveMailSlot(kVerifyPurpose, user.id);
    try {
        sendVerificationCode(user);
    } catch (const std::exception &error) {
        // The account exists either way; the user can ask for the code again.
        qCWarning(lcMail) << "verification mail not queued:" << error.what();
    }
    return sessionResponse(201, tokens, user);
}

HttpResponse AuthEndpoints::login(const HttpRequest &request)
{
    if (m_settings.localMode)
        return ApiError::notAvailable();
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto email = body.string(QStringLiteral("email"));
    const auto password = body.string(QStringLiteral("password"));
    const QString device = readDeviceName(body);
    if (body.hasErrors())
        return ApiError::validation(body.errors());

    const QString account = email->trimmed().toLower();
    const QString address = QString::fromStdString(request.remoteAddress);
    if (const auto wait = m_throttle.retryAfter(account, address)) {
        qCInfo(lcAuth) << "login throttled for" << wait->count() << "s";
        return ApiError::rateLimited(static_cast<int>(wait->count()));
    }
    const std::optional<AuthStore::User> user = m_store.userByEmail(account);
    const bool hasPassword = user && user->kind == QLatin1String("password") && !user->passwordHash.isEmpty();
    bool passwordMatches = false;
    if (hasPassword)
        passwordMatches = m_hasher.verify(user->passwordHash, *password);
    else
        m_hasher.spendEqualWork(*password); // unknown email: same work, same answer
    if (!passwordMatches) {
        m_throttle.recordFailure(account, address);
        return invalidCredentials();
    }
    // Only someone who knows the password learns that the account is locked.
    if (user->lockedAt)
        return ApiError::make(423, QStringLiteral("account_locked"),
                              QStringLiteral("This account is locked. Contact the server's operator."));
    m_throttle.recordSuccess(account);
    const AuthStore::Tokens tokens = m_store.startFamily(user->id, device, m_clock.nowMs(), lifetimes());
    qCInfo(lcAuth) << "signed in" << user->id;
    return sessionResponse(200, tokens, *user);
}

HttpResponse AuthEndpoints::refresh(const HttpRequest &request)
{
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto token = body.string(QStringLiteral("refresh_token"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const AuthStore::RefreshOutcome outcome = m_store.rotate(*token, m_clock.nowMs(), lifetimes());
    if (outcome.result == AuthStore::RefreshResult::Reused) {
        qCWarning(lcAuth) << "a used refresh token came back; sign-in revoked for" << outcome.userId;
        return ApiError::make(401, QStringLiteral("refresh_reused"),
                              QStringLiteral("This refresh token was already used; the session has been ended."));
    }
    const std::optional<AuthStore::User> user
        = outcome.result == AuthStore::RefreshResult::Rotated ? m_store.userById(outcome.userId) : std::nullopt;
    if (!user)
        return ApiError::make(401, QStringLiteral("invalid_token"),
                              QStringLiteral("The refresh token is not valid. Sign in again."));
    return sessionResponse(200, outcome.tokens, *user);
}

HttpResponse AuthEndpoints::logout(const HttpRequest &request)
{
    Caller caller;
    if (auto error = authenticate(request, &caller, true))
        return *error;
    m_store.revokeFamily(caller.familyId, QStringLiteral("logout"), m_clock.nowMs());
    return HttpResponse::noContent();
}

HttpResponse AuthEndpoints::me(const HttpRequest &request)
{
    Caller caller;
    if (auto error = authenticate(request, &caller))
        return *error;
    const std::optional<AuthStore::User> user = m_store.userById(caller.userId);
    if (!user)
        return ApiError::unauthorized();
    return HttpResponse::json(200, userJson(*user));
}

HttpResponse AuthEndpoints::verifyEmail(const HttpRequest &request)
{
    Caller caller;
    if (auto error = authenticate(request, &caller))
        return *error;
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto code = body.string(QStringLiteral("code"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const QString trimmed = code->trimmed();
    if (!looksLikeCode(trimmed)
        || !m_store.consumeCode(caller.userId, kVerifyPurpose, trimmed, m_clock.nowMs(), kCodeAttempts))
        return invalidCode();
    m_store.markEmailVerified(caller.userId, m_clock.nowMs());
    qCInfo(lcAuth) << "email verified" << caller.userId;
    return HttpResponse::noContent();
}

HttpResponse AuthEndpoints::resendVerification(const HttpRequest &request)
{
    Caller caller;
    if (auto error = authenticate(request, &caller))
        return *error;
    const std::optional<AuthStore::User> user = m_store.userById(caller.userId);
    if (!user)
        return ApiError::unauthorized();
    if (user->email.isNull())
        return ApiError::notAvailable();
    const auto accepted = [] {
        return HttpResponse::json(202, QJsonObject { { QStringLiteral("status"), QStringLiteral("accepted") } });
    };
    if (user->emailVerifiedAt)
        return accepted();
    if (const std::int64_t wait = reserveMailSlot(kVerifyPurpose, user->id); wait > 0)
        return ApiError::rateLimited(static_cast<int>(wait));
    sendVerificationCode(*user);
    return accepted();
}

HttpResponse AuthEndpoints::forgotPassword(const HttpRequest &request)
{
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto email = body.string(QStringLiteral("email"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    // The answer is the same whether or not the account exists; extra requests are dropped quietly.
    const std::optional<AuthStore::User> user
        = m_settings.localMode ? std::nullopt : m_store.userByEmail(email->trimmed().toLower());
    if (user && user->kind == QLatin1String("password") && reserveMailSlot(kResetPurpose, user->id) == 0)
        sendResetCode(*user);
    return HttpResponse::json(202, QJsonObject { { QStringLiteral("status"), QStringLiteral("accepted") } });
}

HttpResponse AuthEndpoints::resetPassword(const HttpRequest &request)
{
    if (m_settings.localMode)
        return ApiError::notAvailable();
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto email = body.string(QStringLiteral("email"));
    const auto code = body.string(QStringLiteral("code"));
    const auto password = body.string(QStringLiteral("new_password"));
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const QString account = email->trimmed().toLower();
    const std::optional<AuthStore::User> user = m_store.userByEmail(account);
    // Check the new password first, so that a weak one does not use up the code.
    if (const auto weakness = PasswordPolicy::check(*password, account, user ? user->displayName : QString())) {
        body.fail(QStringLiteral("new_password"), *weakness);
        return ApiError::validation(body.errors());
    }
    const QString trimmedCode = code->trimmed();
    if (!user || !looksLikeCode(trimmedCode)
        || !m_store.consumeCode(user->id, kResetPurpose, trimmedCode, m_clock.nowMs(), kCodeAttempts))
        return invalidCode();
    const std::optional<QString> hash = m_hasher.hash(*password);
    if (!hash)
        return ApiError::internalError();
    const std::int64_t now = m_clock.nowMs();
    m_store.setPassword(user->id, *hash);
    m_store.revokeAllFamilies(user->id, QStringLiteral("password_reset"), now);
    // The code arrived by mail, which proves the address as well.
    m_store.markEmailVerified(user->id, now);
    m_throttle.recordSuccess(account);
    qCInfo(lcAuth) << "password reset" << user->id;
    return HttpResponse::noContent();
}

HttpResponse AuthEndpoints::localSetup(const HttpRequest &request)
{
    if (!m_settings.localMode)
        return ApiError::notAvailable();
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto secret = body.string(QStringLiteral("install_secret"));
    const QString normalizedName = readNewProfile(body);
    const QString device = readDeviceName(body);
    if (secret) {
        const auto decoded = Secrets::decodeBase64Url(*secret);
        if (!decoded || decoded->size() != 32)
            body.fail(QStringLiteral("install_secret"), QStringLiteral("invalid"));
    }
    if (body.hasErrors())
        return ApiError::validation(body.errors());

    const auto alreadySetUp = [] {
        return ApiError::make(409, QStringLiteral("already_set_up"),
                              QStringLiteral("The profile on this computer is already set up."));
    };
    if (m_store.localInstall())
        return alreadySetUp();
    const std::int64_t now = m_clock.nowMs();
    AuthStore::User user;
    user.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    user.kind = QStringLiteral("local");
    user.displayName = normalizedName;
    user.createdAt = now;
    user.acceptedNoticeVersion = m_notice.version();
    AuthStore::Tokens tokens;
    if (!m_store.createLocalUserWithSession(user, Secrets::sha256Hex(*secret), now, device, lifetimes(), &tokens))
        return alreadySetUp();
    qCInfo(lcAuth) << "local profile set up" << user.id;
    return sessionResponse(201, tokens, user);
}

HttpResponse AuthEndpoints::localLogin(const HttpRequest &request)
{
    if (!m_settings.localMode)
        return ApiError::notAvailable();
    QJsonObject object;
    if (auto error = JsonBody::parseObject(request.body, object))
        return *error;
    JsonBody body(object);
    const auto secret = body.string(QStringLiteral("install_secret"));
    const QString device = readDeviceName(body);
    if (body.hasErrors())
        return ApiError::validation(body.errors());
    const std::optional<AuthStore::LocalInstall> install = m_store.localInstall();
    if (!install)
        return ApiError::make(404, QStringLiteral("not_set_up"),
                              QStringLiteral("The profile on this computer is not set up yet."));
    if (!Secrets::equalConstantTime(Secrets::sha256Hex(*secret), install->secretHash))
        return invalidCredentials();
    const std::optional<AuthStore::User> user = m_store.userById(install->userId);
    if (!user)
        return ApiError::internalError();
    if (user->lockedAt)
        return ApiError::make(423, QStringLiteral("account_locked"), QStringLiteral("This profile is locked."));
    const AuthStore::Tokens tokens = m_store.startFamily(user->id, device, m_clock.nowMs(), lifetimes());
    return sessionResponse(200, tokens, *user);
}

std::int64_t AuthEndpoints::reserveMailSlot(const QString &kind, const QString &userId)
{
    std::lock_guard lock(m_mailMutex);
    const std::int64_t now = m_clock.nowMs();
    const QString key = kind + u'/' + userId;
    const auto it = m_lastMailAt.constFind(key);
    if (it != m_lastMailAt.cend() && *it + kMailIntervalMs > now)
        return (*it + kMailIntervalMs - now + 999) / 1000;
    m_lastMailAt.insert(key, now);
    return 0;
}

void AuthEndpoints::sendVerificationCode(const AuthStore::User &user) const
{
    const QString code = m_store.issueCode(user.id, kVerifyPurpose, m_clock.nowMs(), kVerifyCodeTtlMs);
    m_outbox.send(user.email, QStringLiteral("Confirm your email address for Pygmi"),
                  QStringLiteral("Hello %1,\n\nenter this code in Pygmi Studio to confirm your email address:\n\n"
                                 "Code: %2\n\nThe code works once and expires in 24 hours. If you did not create "
                                 "a Pygmi account, you can ignore this message.\n")
                      .arg(user.displayName, code));
}

void AuthEndpoints::sendResetCode(const AuthStore::User &user) const
{
    const QString code = m_store.issueCode(user.id, kResetPurpose, m_clock.nowMs(), kResetCodeTtlMs);
    m_outbox.send(user.email, QStringLiteral("Reset your Pygmi password"),
                  QStringLiteral("Hello %1,\n\nenter this code in Pygmi Studio to choose a new password:\n\n"
                                 "Code: %2\n\nThe code works once and expires in 30 minutes. If you did not ask "
                                 "for this, you can ignore this message; your password stays as it is.\n")
                      .arg(user.displayName, code));
}

} // namespace pygmi::server
