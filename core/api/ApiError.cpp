#include "api/ApiError.h"

#include <QCoreApplication>
#include <QJsonValue>

namespace pygmi::core {

namespace {

// lupdate reads the context from this literal, so keep it in one place.
#define PYGMI_TR(text) QCoreApplication::translate("pygmi::core::ApiError", text)

QString rateLimitedMessage(int seconds)
{
    if (seconds <= 0)
        return PYGMI_TR("Too many attempts. Please wait a moment and try again.");
    if (seconds < 120)
        return QCoreApplication::translate("pygmi::core::ApiError",
                                           "Too many attempts. Please wait %n second(s) and try again.", nullptr,
                                           seconds);
    const int minutes = (seconds + 59) / 60;
    return QCoreApplication::translate("pygmi::core::ApiError",
                                       "Too many attempts. Please wait %n minute(s) and try again.", nullptr, minutes);
}

QString requiredMessage(const QString &field)
{
    if (field == u"email")
        return PYGMI_TR("Enter your email address.");
    if (field == u"password" || field == u"new_password")
        return PYGMI_TR("Enter a password.");
    if (field == u"display_name")
        return PYGMI_TR("Enter the name you want to be shown.");
    if (field == u"birth_date")
        return PYGMI_TR("Enter your date of birth.");
    if (field == u"accepted_notice_version")
        return PYGMI_TR("Read and accept the privacy notice to continue.");
    if (field == u"code")
        return PYGMI_TR("Enter the 6-digit code from the email.");
    return PYGMI_TR("This field is required.");
}

QString invalidMessage(const QString &field)
{
    if (field == u"email")
        return PYGMI_TR("Enter an email address like name@example.com.");
    if (field == u"birth_date")
        return PYGMI_TR("Enter a real date of birth that is not in the future.");
    if (field == u"display_name")
        return PYGMI_TR("Use letters, digits and punctuation only.");
    if (field == u"code")
        return PYGMI_TR("Enter the 6-digit code exactly as it appears in the email.");
    return PYGMI_TR("This value is not valid. Check it and try again.");
}

QString tooLongMessage(const QString &field)
{
    if (field == u"email")
        return PYGMI_TR("Email addresses can have at most 254 characters.");
    if (field == u"display_name")
        return PYGMI_TR("Use at most 64 characters for your name.");
    if (field == u"password" || field == u"new_password")
        return PYGMI_TR("Use at most 256 characters for your password.");
    return PYGMI_TR("This value is too long. Shorten it and try again.");
}

QString defaultCodeForStatus(int status)
{
    switch (status) {
    case 400:
        return QStringLiteral("bad_request");
    case 401:
        return QStringLiteral("unauthorized");
    case 404:
        return QStringLiteral("not_found");
    case 405:
        return QStringLiteral("method_not_allowed");
    case 413:
        return QStringLiteral("payload_too_large");
    case 415:
        return QStringLiteral("unsupported_media_type");
    case 429:
        return QStringLiteral("rate_limited");
    case 431:
        return QStringLiteral("headers_too_large");
    case 502:
    case 503:
    case 504:
        // Usually a reverse proxy in front of a server that is down or restarting.
        return QStringLiteral("server_unavailable");
    default:
        return status >= 500 ? QStringLiteral("internal_error") : QStringLiteral("bad_response");
    }
}

} // namespace

ApiError::ApiError(Kind kind, QString code, QString message, int httpStatus)
    : m_kind(kind)
    , m_httpStatus(httpStatus)
    , m_code(std::move(code))
    , m_message(std::move(message))
{
}

ApiError ApiError::fromHttpAnswer(int httpStatus, const QJsonObject &body, const QByteArray &retryAfterHeader)
{
    const QJsonObject errorObject = body.value(QStringLiteral("error")).toObject();
    QString code = errorObject.value(QStringLiteral("code")).toString();
    if (code.isEmpty())
        code = defaultCodeForStatus(httpStatus);
    ApiError error(Kind::Http, code, errorObject.value(QStringLiteral("message")).toString(), httpStatus);
    const QJsonObject fieldsObject = errorObject.value(QStringLiteral("fields")).toObject();
    for (auto it = fieldsObject.begin(); it != fieldsObject.end(); ++it)
        error.m_fields.insert(it.key(), it.value().toString());
    // The header is what proxies and the HTTP spec use; the body value is the fallback.
    int retryAfter = errorObject.value(QStringLiteral("retry_after")).toInt(0);
    bool headerOk = false;
    const int headerRetry = retryAfterHeader.trimmed().toInt(&headerOk);
    if (headerOk && headerRetry > 0)
        retryAfter = headerRetry;
    error.m_retryAfter = qMax(0, retryAfter);
    return error;
}

QString ApiError::userMessage() const
{
    if (!isError())
        return {};

    // Client-side conditions first: they say most precisely what to do.
    switch (m_kind) {
    case Kind::Network:
        return PYGMI_TR("The server cannot be reached. Check your internet connection and the server address, "
                        "then try again.");
    case Kind::Timeout:
        return PYGMI_TR("The server did not answer in time. Try again in a moment.");
    case Kind::Tls:
        return PYGMI_TR("A secure connection to the server could not be established. Check that the address is "
                        "right and that the server has a valid certificate.");
    default:
        break;
    }

    const QString &c = m_code;
    // Wrong password and unknown email get one neutral sentence: saying which one was wrong
    // would tell a stranger which addresses have accounts.
    if (c == u"invalid_credentials")
        return PYGMI_TR("The email address or password is not correct.");
    if (c == u"account_locked")
        return PYGMI_TR("This account is locked. Contact the server's administrator to unlock it.");
    if (c == u"rate_limited")
        return rateLimitedMessage(m_retryAfter);
    if (c == u"network_unreachable")
        return PYGMI_TR("The server cannot be reached. Check your internet connection and the server address, "
                        "then try again.");
    if (c == u"timeout")
        return PYGMI_TR("The server did not answer in time. Try again in a moment.");
    if (c == u"tls_error")
        return PYGMI_TR("A secure connection to the server could not be established. Check that the address is "
                        "right and that the server has a valid certificate.");
    if (c == u"server_too_old")
        return PYGMI_TR("This server runs an older version of Pygmi than this app needs. Ask its administrator "
                        "to update it, or choose another server.");
    if (c == u"insecure_url")
        return PYGMI_TR("This address does not use a secure connection. Use an address that starts with https://.");
    if (c == u"invalid_url")
        return PYGMI_TR("This is not a valid server address. Enter an address like https://pygmi.example.");
    if (c == u"bad_response")
        return PYGMI_TR("The server gave an answer this app does not understand. Check the server address, or try "
                        "again later.");
    if (c == u"keychain_unavailable")
        return PYGMI_TR("The system keychain is not available, so the sign-in could not be kept safely. Unlock your "
                        "keychain and try again.");
    if (c == u"no_saved_session")
        return PYGMI_TR("You are signed out. Sign in to continue.");
    if (c == u"email_taken")
        return PYGMI_TR("An account with this email address already exists. Sign in instead, or reset your "
                        "password if you forgot it.");
    if (c == u"validation_failed")
        return PYGMI_TR("Some fields need your attention. Correct them and try again.");
    if (c == u"token_expired" || c == u"unauthorized" || c == u"invalid_token" || c == u"session_expired")
        return PYGMI_TR("Your session has ended. Sign in again to continue.");
    if (c == u"refresh_reused")
        return PYGMI_TR("For your security you were signed out, because your sign-in was used from somewhere "
                        "else. Sign in again, and change your password if this was not you.");
    if (c == u"invalid_code")
        return PYGMI_TR("This code is not valid or has expired. Request a new code and try again.");
    if (c == u"not_available")
        return PYGMI_TR("This server does not offer this way of signing in.");
    if (c == u"already_set_up")
        return PYGMI_TR("The local profile on this computer is already set up.");
    if (c == u"not_set_up")
        return PYGMI_TR("The local profile on this computer is not set up yet.");
    if (c == u"local_secret_missing")
        return PYGMI_TR("The key of your local profile could not be found in the system keychain. Unlock your "
                        "keychain and try again.");
    if (c == u"not_found")
        return PYGMI_TR("The requested item no longer exists.");
    if (c == u"payload_too_large")
        return PYGMI_TR("What you sent is too large for the server.");
    if (c == u"server_unavailable")
        return PYGMI_TR("The server is temporarily unavailable. Try again in a few minutes.");
    if (c == u"internal_error")
        return PYGMI_TR("The server ran into a problem. Try again later; if it keeps happening, tell the server's "
                        "administrator.");
    if (c == u"restricted")
        return PYGMI_TR("Processing of your account is paused. Lift the pause on the Privacy page to create again.");
    if (c == u"objected")
        return PYGMI_TR("You objected to this processing, so it does not happen.");
    if (c == u"export_expired")
        return PYGMI_TR("This archive has expired and was deleted. Prepare a new one on the Privacy page.");
    if (c == u"already_requested")
        return PYGMI_TR("This request is already under way.");
    if (c == u"not_cancellable")
        return PYGMI_TR("This request can no longer be cancelled.");
    if (c == u"too_many_requests")
        return PYGMI_TR("Several archives are being prepared already. Wait until one is ready.");
    if (c == u"local_server_failed")
        return PYGMI_TR("The local Pygmi server on this computer stopped. Restart the app to try again.");
    if (c == u"bad_request" || c == u"unsupported_media_type" || c == u"method_not_allowed"
        || c == u"headers_too_large")
        return PYGMI_TR("The server could not process the request. Update the app, or try again later.");

    if (m_httpStatus >= 500)
        return PYGMI_TR("The server ran into a problem. Try again later; if it keeps happening, tell the server's "
                        "administrator.");
    return PYGMI_TR("Something went wrong. Try again; if it keeps happening, tell the server's administrator.");
}

QString ApiError::fieldMessage(const QString &field) const
{
    const QString code = m_fields.value(field);
    if (code.isEmpty()) {
        // A taken email is reported as a whole-request error; a sign-up form still wants it
        // next to the email field.
        if (field == u"email" && m_code == u"email_taken")
            return userMessage();
        return {};
    }
    if (code == u"required")
        return requiredMessage(field);
    if (code == u"invalid")
        return invalidMessage(field);
    if (code == u"too_long")
        return tooLongMessage(field);
    if (code == u"too_short") {
        if (field == u"password" || field == u"new_password")
            return QCoreApplication::translate("pygmi::core::ApiError", "Use at least %n character(s).", nullptr,
                                               10);
        return PYGMI_TR("This value is too short.");
    }
    if (code == u"too_common")
        return PYGMI_TR("This password is one of the most common ones. Choose a password that is harder to guess.");
    if (code == u"too_weak")
        return PYGMI_TR("This password is too easy to guess. Use more different characters and avoid your name or "
                        "email address.");
    if (code == u"under_13")
        return PYGMI_TR("You must be at least 13 years old to use Pygmi.");
    if (code == u"must_accept")
        return PYGMI_TR("Read and accept the privacy notice to continue.");
    if (code == u"outdated")
        return PYGMI_TR("The privacy notice has changed. Read the current version and accept it to continue.");
    if (code == u"wrong_type")
        return PYGMI_TR("This value has the wrong format.");
    return PYGMI_TR("Check this value and try again.");
}

#undef PYGMI_TR

} // namespace pygmi::core
