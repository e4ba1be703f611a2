#pragma once

#include "api/ApiError.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <functional>
#include <memory>

namespace pygmi::core {

class ApiClient;
class LoopbackListener;

// One browser sign-in (RFC 8252 with PKCE, RFC 7636) as a state machine:
//   Idle → WaitingForBrowser → Exchanging → SignedIn | NeedsSignUp | NeedsLink | Linked
//   and from any waiting state → Failed | Cancelled | TimedOut.
// The browser opener and the loopback listener are injected, so tests drive it without a
// desktop. Transient secrets (PKCE verifier, state) are forgotten as soon as it ends.
class SsoSignIn : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Idle,
        WaitingForBrowser,
        Exchanging,
        SignedIn,
        NeedsSignUp,
        NeedsLink,
        Linked,
        Failed,
        Cancelled,
        TimedOut
    };
    Q_ENUM(State)
    enum class Purpose {
        SignIn, // no session yet: ends in a session, or a sign-up / link to confirm
        Link // signed in: connects the provider to this account
    };

    using BrowserOpener = std::function<bool(const QUrl &url)>;
    using ListenerFactory = std::function<std::unique_ptr<LoopbackListener>()>;
    // Installs a Session answer; calls back with the outcome.
    using SessionSink = std::function<void(const QJsonObject &session, std::function<void(const ApiError &)> done)>;

    // A sign-up or link the server waits for (the provider vouched for this person).
    struct Pending
    {
        QString token;
        QString next; // "signup" | "link"
        QString providerId;
        QString providerName;
        QString displayName;
        QString email; // verified by the provider, or empty
    };

    static constexpr int kDefaultTimeoutMs = 5 * 60 * 1000;

    SsoSignIn(ApiClient *api, BrowserOpener opener, ListenerFactory listeners, SessionSink sink,
              QObject *parent = nullptr);
    ~SsoSignIn() override;

    void start(const QString &providerId, Purpose purpose = Purpose::SignIn, int timeoutMs = kDefaultTimeoutMs);
    void cancel();

    State state() const { return m_state; }
    bool isWaiting() const { return m_state == State::WaitingForBrowser || m_state == State::Exchanging; }
    bool isFinished() const { return !isWaiting() && m_state != State::Idle; }
    QString providerId() const { return m_providerId; }
    // The start URL the browser was (or should be) opened at; the app shows it to copy when no
    // browser opened.
    QUrl authorizationUrl() const { return m_authorizationUrl; }
    bool browserOpened() const { return m_browserOpened; }
    ApiError error() const { return m_error; }
    Pending pending() const { return m_pending; }
    QJsonObject identity() const { return m_identity; } // for Purpose::Link
    int timeoutMs() const { return m_timeoutMs; }

    static QString generateVerifier();
    static QString challengeFor(const QString &verifier);

Q_SIGNALS:
    void stateChanged(pygmi::core::SsoSignIn::State state);
    // The browser came back to the app (good or bad): time to bring the window to the front.
    void browserReturned();
    void finished();

private:
    void onCallback(const QUrlQuery &query);
    void exchange(const QString &code);
    void finish(State state, const ApiError &error = {});
    void setState(State state);

    ApiClient *m_api;
    BrowserOpener m_opener;
    ListenerFactory m_listeners;
    SessionSink m_sink;
    std::unique_ptr<LoopbackListener> m_listener;
    QTimer m_timeout;
    State m_state = State::Idle;
    Purpose m_purpose = Purpose::SignIn;
    QString m_providerId;
    QString m_verifier;
    QString m_expectedState;
    QUrl m_redirectUri;
    QUrl m_authorizationUrl;
    bool m_browserOpened = false;
    int m_timeoutMs = kDefaultTimeoutMs;
    ApiError m_error;
    Pending m_pending;
    QJsonObject m_identity;
    quint64 m_run = 0; // answers of an abandoned run are ignored
};

} // namespace pygmi::core
