#include "sso/SsoService.h"

#include "Guarded.h"
#include "api/ApiClient.h"
#include "session/SessionManager.h"
#include "sso/TcpLoopbackListener.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSysInfo>

namespace pygmi::core {

namespace {

#define PYGMI_SSO_TR(text) QCoreApplication::translate("pygmi::core::SsoService", text)

QDateTime parseTime(const QJsonValue &value)
{
    return value.isString() ? QDateTime::fromString(value.toString(), Qt::ISODate) : QDateTime();
}

} // namespace

SsoService::SsoService(ApiClient *api, SessionManager *session, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_session(session)
    , m_listeners([] { return std::make_unique<TcpLoopbackListener>(); })
{ }

void SsoService::fetchProviders(QObject *context, std::function<void(const QList<Provider> &, const ApiError &)> done)
{
    ApiRequest request;
    request.path = QStringLiteral("/v1/auth/providers");
    request.authenticated = false;
    request.idempotent = true;
    request.timeoutMs = 15000;
    m_api->send(request, context, [done = std::move(done)](const ApiResponse &response) {
        QList<Provider> providers;
        // An older server has no such route: it simply offers no providers.
        if (!response.ok() && response.httpStatus != 404) {
            done(providers, response.error);
            return;
        }
        for (const QJsonValue &value : response.json.value(QStringLiteral("providers")).toArray()) {
            const QJsonObject object = value.toObject();
            Provider provider { object.value(QStringLiteral("id")).toString(),
                                object.value(QStringLiteral("display_name")).toString(),
                                object.value(QStringLiteral("icon")).toString() };
            if (!provider.id.isEmpty() && !provider.displayName.isEmpty())
                providers.append(provider);
        }
        done(providers, {});
    });
}

SsoSignIn *SsoService::begin(const QString &providerId, SsoSignIn::Purpose purpose, QObject *owner)
{
    auto *signIn = new SsoSignIn(
        m_api, m_opener, m_listeners,
        [this](const QJsonObject &session, std::function<void(const ApiError &)> done) {
            m_session->acceptRemoteSession(session, this, std::move(done));
        },
        owner);
    if (purpose == SsoSignIn::Purpose::Link)
        connect(signIn, &SsoSignIn::finished, this, [this, signIn] {
            if (signIn->state() == SsoSignIn::State::Linked)
                Q_EMIT identitiesChanged();
        });
    signIn->start(providerId, purpose, m_timeoutMs);
    return signIn;
}

void SsoService::signUp(const SsoSignIn::Pending &pending, const QString &displayName, const QDate &birthDate,
                        const QString &noticeVersion, QObject *context, Done done)
{
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/auth/sso/signup");
    request.authenticated = false;
    request.timeoutMs = 20000;
    request.body = QJsonObject {
        { QStringLiteral("pending_token"), pending.token },
        { QStringLiteral("display_name"), displayName.trimmed() },
        { QStringLiteral("birth_date"), birthDate.isValid() ? birthDate.toString(Qt::ISODate) : QString() },
        { QStringLiteral("accepted_notice_version"), noticeVersion },
        { QStringLiteral("device_name"), QSysInfo::machineHostName().left(64) },
    };
    auto callback = guarded(context, std::move(done));
    m_api->send(request, this, [this, callback](const ApiResponse &response) {
        if (!response.ok()) {
            callback(response.error);
            return;
        }
        m_session->acceptRemoteSession(response.json, nullptr, callback);
    });
}

void SsoService::confirmLink(const SsoSignIn::Pending &pending, QObject *context, Done done)
{
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/v1/me/identities/confirm");
    request.body = QJsonObject { { QStringLiteral("pending_token"), pending.token } };
    m_api->send(request, context, [this, done = std::move(done)](const ApiResponse &response) {
        if (response.ok())
            Q_EMIT identitiesChanged();
        done(response.error);
    });
}

void SsoService::fetchIdentities(QObject *context,
                                 std::function<void(const QList<Identity> &, bool, const ApiError &)> done)
{
    ApiRequest request;
    request.path = QStringLiteral("/v1/me/identities");
    request.idempotent = true;
    m_api->send(request, context, [done = std::move(done)](const ApiResponse &response) {
        QList<Identity> identities;
        for (const QJsonValue &value : response.json.value(QStringLiteral("identities")).toArray()) {
            const QJsonObject o = value.toObject();
            identities.append(
                { o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("provider_id")).toString(),
                  o.value(QStringLiteral("provider_name")).toString(), o.value(QStringLiteral("email")).toString(),
                  o.value(QStringLiteral("name")).toString(), parseTime(o.value(QStringLiteral("linked_at"))),
                  parseTime(o.value(QStringLiteral("last_used_at"))) });
        }
        done(identities, response.json.value(QStringLiteral("has_password")).toBool(), response.error);
    });
}

void SsoService::unlink(const QString &identityId, QObject *context, Done done)
{
    ApiRequest request;
    request.method = "DELETE";
    request.path = QStringLiteral("/v1/me/identities/%1").arg(QString::fromLatin1(QUrl::toPercentEncoding(identityId)));
    m_api->send(request, context, [this, done = std::move(done)](const ApiResponse &response) {
        if (response.ok())
            Q_EMIT identitiesChanged();
        done(response.error);
    });
}

QString SsoService::messageFor(const ApiError &error)
{
    const QString c = error.code();
    if (c == u"access_denied")
        return PYGMI_SSO_TR("The sign-in was cancelled or refused at the identity provider. Nothing was changed.");
    if (c == u"state_mismatch")
        return PYGMI_SSO_TR("The browser returned a sign-in that this app did not start, so it was refused. Start "
                            "the sign-in again from this window.");
    if (c == u"invalid_id_token" || c == u"invalid_response")
        return PYGMI_SSO_TR("The identity provider's answer could not be verified, so you were not signed in. Try "
                            "again; if it keeps happening, tell the server's administrator.");
    if (c == u"provider_error")
        return PYGMI_SSO_TR("The identity provider reported a problem. Try again later.");
    if (c == u"invalid_sso_code")
        return PYGMI_SSO_TR("This sign-in has expired or was already used. Start it again.");
    if (c == u"sso_timeout")
        return PYGMI_SSO_TR("No answer came back from the browser in time. Start the sign-in again.");
    if (c == u"listener_failed")
        return PYGMI_SSO_TR("The app could not prepare to receive the sign-in from the browser. Try again.");
    if (c == u"identity_in_use")
        return PYGMI_SSO_TR("This sign-in is already connected to another Pygmi account.");
    if (c == u"last_sign_in_method")
        return PYGMI_SSO_TR("This is the only way to sign in to your account. Connect another sign-in first.");
    if (c == u"link_email_mismatch")
        return PYGMI_SSO_TR("You signed in to an account with a different email address. Sign in to the account "
                            "with the address the identity provider confirmed.");
    return error.userMessage();
}

} // namespace pygmi::core
