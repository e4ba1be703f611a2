#pragma once

#include "api/ApiError.h"
#include "sso/SsoSignIn.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <functional>

namespace pygmi::core {

class ApiClient;
class SessionManager;

// Single sign-on for the UI: the server's identity providers, browser sign-ins (SsoSignIn), the
// sign-up or link that a first sign-in may need, and the account's connected sign-ins.
class SsoService : public QObject
{
    Q_OBJECT

public:
    struct Provider
    {
        QString id;
        QString displayName;
        QString icon;
    };

    struct Identity
    {
        QString id;
        QString providerId;
        QString providerName;
        QString email;
        QString name;
        QDateTime linkedAt;
        QDateTime lastUsedAt;
    };

    using Done = std::function<void(const ApiError &error)>;

    SsoService(ApiClient *api, SessionManager *session, QObject *parent = nullptr);

    // The composition root passes the system browser; tests pass a script.
    void setBrowserOpener(SsoSignIn::BrowserOpener opener) { m_opener = std::move(opener); }
    // Default: TcpLoopbackListener.
    void setListenerFactory(SsoSignIn::ListenerFactory factory) { m_listeners = std::move(factory); }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    void fetchProviders(QObject *context, std::function<void(const QList<Provider> &, const ApiError &)> done);
    // Starts a browser sign-in; the object belongs to `owner` and reports through its signals.
    SsoSignIn *begin(const QString &providerId, SsoSignIn::Purpose purpose, QObject *owner);

    // Finishes a first sign-in: the same age and notice checks as email sign-up.
    void signUp(const SsoSignIn::Pending &pending, const QString &displayName, const QDate &birthDate,
                const QString &noticeVersion, QObject *context, Done done);
    // After signing in to the account with the same verified email: connect the provider.
    void confirmLink(const SsoSignIn::Pending &pending, QObject *context, Done done);

    void fetchIdentities(QObject *context,
                         std::function<void(const QList<Identity> &, bool hasPassword, const ApiError &)> done);
    void unlink(const QString &identityId, QObject *context, Done done);

    // Translated, actionable text for an error of a browser sign-in or of the calls above.
    static QString messageFor(const ApiError &error);

Q_SIGNALS:
    void identitiesChanged();

private:
    ApiClient *m_api;
    SessionManager *m_session;
    SsoSignIn::BrowserOpener m_opener;
    SsoSignIn::ListenerFactory m_listeners;
    int m_timeoutMs = SsoSignIn::kDefaultTimeoutMs;
};

} // namespace pygmi::core
