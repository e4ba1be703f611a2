#pragma once

#include <QObject>
#include <QUrl>
#include <QUrlQuery>
#include <functional>

namespace pygmi::core {

// Receives the browser's return to the app (RFC 8252 §7.3): a redirect to
// http://127.0.0.1:{port}/callback. An interface so that tests can drive a sign-in without a
// socket; TcpLoopbackListener is the real one.
class LoopbackListener : public QObject
{
    Q_OBJECT

public:
    using StateCheck = std::function<bool(const QString &state)>;

    using QObject::QObject;

    // Starts listening on a fresh port; false with a reason.
    virtual bool listen(QString *error) = 0;
    virtual QUrl redirectUri() const = 0;
    virtual void close() = 0;
    // Decides whether a callback belongs to this sign-in, before the browser gets its page.
    void setStateCheck(StateCheck check) { m_stateCheck = std::move(check); }

Q_SIGNALS:
    // Exactly once: the query of the one callback whose state matched.
    void callbackReceived(const QUrlQuery &query);
    // A callback with a foreign or missing state arrived (and was refused).
    void callbackRejected();

protected:
    StateCheck m_stateCheck;
};

} // namespace pygmi::core
