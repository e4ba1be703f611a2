#pragma once

#include <QProcess>
#include <QStringList>
#include <QUrl>
#include <memory>

namespace pygmi::test {

// A Node.js test peer from tests/interop (a real or fake OpenID Provider) on loopback. It prints
// "listening on URL" when ready and ends when its stdin closes or it is stopped.
class NodePeer
{
public:
    // ctest's SKIP_RETURN_CODE for interop tests when node or the peers' packages are missing.
    static constexpr int kSkipReturnCode = 77;

    NodePeer() = default;
    ~NodePeer();

    // Empty when node and the installed peers are there; otherwise why not.
    static QString unavailableReason();
    // The same for a given npm package of tests/interop (e.g. "tus-js-client").
    static QString unavailableReason(const QString &package);
    // Exits the test process with kSkipReturnCode (and the reason) when peers cannot run.
    static void skipUnlessAvailable();
    static void skipUnlessAvailable(const QString &package);

    // node and the full path of a script in tests/interop, for peers that run once (clients).
    static QString nodeProgram();
    static QString scriptPath(const QString &script);

    bool start(const QString &script, const QStringList &args = {}, int timeoutMs = 20000);
    void stop();
    QUrl url() const { return m_url; }
    QString errorString() const { return m_error; }

private:
    std::unique_ptr<QProcess> m_process;
    QUrl m_url;
    QString m_error;
};

} // namespace pygmi::test
