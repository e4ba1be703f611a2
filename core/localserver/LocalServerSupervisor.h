#pragma once

#include <QObject>
#include <QProcess>
#include <QUrl>

class QTimer;

namespace pygmi::core {

// Runs pygmi-server as a child process for the "On this computer" profile: loopback only,
// ephemeral port (read from its "listening on …" line), data under the app's data location.
// If it dies it is restarted once (and the UI is told); it stops when the app quits.
class LocalServerSupervisor : public QObject
{
    Q_OBJECT

public:
    enum class State { Stopped, Starting, Running, Failed };
    Q_ENUM(State)

    LocalServerSupervisor(const QString &serverProgram, const QString &dataDir, QObject *parent = nullptr);
    ~LocalServerSupervisor() override;

    // pygmi-server next to the running executable (as installed and as built).
    static QString defaultServerProgram();

    void start();
    // Asks the server to stop (closing its stdin, then SIGTERM), waits up to `timeoutMs`, then kills.
    void stop(int timeoutMs = 3000);

    State state() const { return m_state; }
    QUrl url() const { return m_url; }
    qint64 processId() const;
    int restartCount() const { return m_restarts; }

Q_SIGNALS:
    void stateChanged(pygmi::core::LocalServerSupervisor::State state);
    // The server is listening (first start, or again after a restart).
    void ready(const QUrl &url);
    // It died unexpectedly and is being started again.
    void restarting(const QString &reason);
    // It could not be started, or died again after the one restart.
    void failed(const QString &reason);

private:
    void launch();
    void onReadyRead();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void setState(State state);
    void fail(const QString &reason);
    void forwardStderr();
    // Kills and forgets the current child without emitting anything.
    void discardProcess();

    static constexpr int kStartTimeoutMs = 15000;

    QString m_program;
    QString m_dataDir;
    QProcess *m_process = nullptr;
    QByteArray m_stdoutBuffer;
    QUrl m_url;
    State m_state = State::Stopped;
    int m_restarts = 0;
    bool m_stopping = false;
    QByteArray m_stderrBuffer;
    QTimer *m_startTimer = nullptr;
};

} // namespace pygmi::core
