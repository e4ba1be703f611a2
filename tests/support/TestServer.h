#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace pygmi::test {

// A real pygmi-server on loopback with a throwaway data directory, for API, integration
// and UI tests. The executable's path comes from the build (PYGMI_SERVER_PATH).
class TestServer
{
public:
    TestServer();
    ~TestServer();

    // Starts `pygmi-server --data-dir <tmp> --listen 127.0.0.1:0 <extraArgs>` and waits for its
    // "listening on" line. Returns false (and fills errorString()) on failure.
    bool start(const QStringList &extraArgs = {}, int timeoutMs = 15000);
    // Stops it (SIGTERM, then kill) and keeps the data directory for inspection or restart.
    void stop();
    // Starts it again on the same data directory (new port).
    bool restart(const QStringList &extraArgs = {});

    bool isRunning() const;
    QUrl url() const { return m_url; }
    QString dataDir() const { return m_dataDir->path(); }
    QString errorString() const { return m_error; }
    // Everything the server printed so far (stdout and stderr merged).
    QByteArray output() const { return m_output; }
    qint64 processId() const;

    static QString serverProgram();

private:
    std::unique_ptr<QTemporaryDir> m_dataDir;
    std::unique_ptr<QProcess> m_process;
    QStringList m_lastArgs;
    QUrl m_url;
    QString m_error;
    QByteArray m_output;
};

} // namespace pygmi::test
