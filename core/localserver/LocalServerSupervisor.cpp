#include "localserver/LocalServerSupervisor.h"

#include "Logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QHostAddress>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>

#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace pygmi::core {

namespace {

// A line longer than this is not the one we wait for; drop it rather than grow forever.
constexpr qsizetype kMaxLine = 64 * 1024;

QList<QByteArray> takeLines(QByteArray &buffer)
{
    QList<QByteArray> lines;
    qsizetype newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
        lines.append(buffer.left(newline).trimmed());
        buffer.remove(0, newline + 1);
    }
    if (buffer.size() > kMaxLine)
        buffer.clear();
    return lines;
}

} // namespace

LocalServerSupervisor::LocalServerSupervisor(const QString &serverProgram, const QString &dataDir, QObject *parent)
    : QObject(parent)
    , m_program(serverProgram)
    , m_dataDir(dataDir)
    , m_startTimer(new QTimer(this))
{
    m_startTimer->setSingleShot(true);
    connect(m_startTimer, &QTimer::timeout, this, [this] {
        if (m_state == State::Starting)
            fail(tr("The local server did not start within %n second(s).", nullptr, kStartTimeoutMs / 1000));
    });
}

LocalServerSupervisor::~LocalServerSupervisor()
{
    // Nobody listens any more; stop quietly. Closing stdin is what ends the server cleanly.
    blockSignals(true);
    if (m_process)
        stop();
}

QString LocalServerSupervisor::defaultServerProgram()
{
#ifdef Q_OS_WIN
    const QString name = QStringLiteral("pygmi-server.exe");
#else
    const QString name = QStringLiteral("pygmi-server");
#endif
    return QDir(QCoreApplication::applicationDirPath()).filePath(name);
}

qint64 LocalServerSupervisor::processId() const
{
    return m_process ? m_process->processId() : 0;
}

void LocalServerSupervisor::start()
{
    if (m_state == State::Starting || m_state == State::Running)
        return;
    m_stopping = false;
    m_restarts = 0;
    launch();
}

void LocalServerSupervisor::launch()
{
    discardProcess();
    m_stdoutBuffer.clear();
    m_stderrBuffer.clear();
    m_url.clear();
    setState(State::Starting);

    if (!QDir().mkpath(m_dataDir)) {
        // Deferred so that a caller connecting after start() still hears about it.
        QTimer::singleShot(0, this, [this] { fail(tr("The folder for the local server's data cannot be created.")); });
        return;
    }

    auto *process = new QProcess(this);
    m_process = process;
    process->setProgram(m_program);
    process->setArguments({ QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("--listen"),
                            QStringLiteral("127.0.0.1:0"), QStringLiteral("--local"),
                            QStringLiteral("--exit-with-stdin") });
    process->setProcessChannelMode(QProcess::SeparateChannels);
#ifdef Q_OS_LINUX
    // Belt and braces next to --exit-with-stdin: if the app is killed, the kernel sends the
    // server SIGTERM. If the app died between fork and prctl, the child leaves at once.
    const pid_t parentPid = ::getpid();
    process->setChildProcessModifier([parentPid] {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parentPid)
            ::_exit(1);
    });
#endif
    connect(process, &QProcess::readyReadStandardOutput, this, [this, process] {
        if (process == m_process)
            onReadyRead();
    });
    connect(process, &QProcess::readyReadStandardError, this, [this, process] {
        if (process == m_process)
            forwardStderr();
    });
    connect(process, &QProcess::finished, this, [this, process](int exitCode, QProcess::ExitStatus status) {
        if (process == m_process)
            onFinished(exitCode, status);
    });
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
        // Crashes arrive through finished(); only a failed start has no finished() after it.
        if (process == m_process && error == QProcess::FailedToStart && !m_stopping)
            fail(tr("The local server could not be started: %1").arg(process->errorString()));
    });

    qCInfo(lcLocalServer) << "starting" << m_program;
    m_startTimer->start(kStartTimeoutMs);
    process->start(); // asynchronous: the UI thread never waits for the child to come up
}

void LocalServerSupervisor::onReadyRead()
{
    m_stdoutBuffer += m_process->readAllStandardOutput();
    static const QRegularExpression listening(QStringLiteral("^listening on (https?://\\S+)$"));
    for (const QByteArray &line : takeLines(m_stdoutBuffer)) {
        const QString text = QString::fromUtf8(line);
        const auto match = listening.match(text);
        if (m_state != State::Starting || !match.hasMatch()) {
            if (!text.isEmpty())
                qCDebug(lcLocalServer).noquote() << "pygmi-server:" << text;
            continue;
        }
        const QUrl url(match.captured(1), QUrl::StrictMode);
        QHostAddress host;
        // The local server must never be reachable from the network.
        if (!url.isValid() || !host.setAddress(url.host()) || !host.isLoopback() || url.port() <= 0) {
            fail(tr("The local server reported an unexpected address."));
            return;
        }
        m_url = url;
        m_startTimer->stop();
        qCInfo(lcLocalServer) << "local server ready on" << url.toString();
        setState(State::Running);
        emit ready(url);
    }
}

void LocalServerSupervisor::forwardStderr()
{
    m_stderrBuffer += m_process->readAllStandardError();
    for (const QByteArray &line : takeLines(m_stderrBuffer)) {
        if (!line.isEmpty())
            qCInfo(lcLocalServer).noquote() << "pygmi-server:" << QString::fromUtf8(line);
    }
}

void LocalServerSupervisor::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_startTimer->stop();
    forwardStderr();
    if (!m_stderrBuffer.isEmpty())
        qCInfo(lcLocalServer).noquote() << "pygmi-server:" << QString::fromUtf8(m_stderrBuffer);
    QProcess *old = std::exchange(m_process, nullptr);
    old->disconnect(this);
    old->deleteLater(); // may be inside one of its own signals (or waitForFinished)

    if (m_stopping) {
        qCInfo(lcLocalServer) << "local server stopped";
        m_url.clear();
        setState(State::Stopped);
        return;
    }
    const QString reason = status == QProcess::CrashExit
        ? tr("The local server stopped unexpectedly.")
        : tr("The local server stopped unexpectedly (exit code %1).").arg(exitCode);
    qCWarning(lcLocalServer) << "local server ended:" << (status == QProcess::CrashExit ? "crash" : "exit")
                             << exitCode;
    // Restart only a server that had been running: one that cannot even start will not
    // start better a second time.
    if (m_state == State::Running && m_restarts < 1) {
        ++m_restarts;
        emit restarting(reason);
        launch();
        return;
    }
    fail(reason);
}

void LocalServerSupervisor::stop(int timeoutMs)
{
    m_stopping = true;
    m_startTimer->stop();
    QPointer<QProcess> process = m_process;
    if (process && process->state() != QProcess::NotRunning) {
        // --exit-with-stdin: EOF on stdin is the polite request to shut down.
        process->closeWriteChannel();
        if (!process->waitForFinished(timeoutMs) && process && process->state() != QProcess::NotRunning) {
            qCWarning(lcLocalServer) << "local server ignored stdin EOF; terminating";
            process->terminate();
            if (!process->waitForFinished(2000) && process && process->state() != QProcess::NotRunning) {
                qCWarning(lcLocalServer) << "local server ignored SIGTERM; killing";
                process->kill();
                process->waitForFinished(2000);
            }
        }
    }
    discardProcess();
    m_url.clear();
    setState(State::Stopped);
}

void LocalServerSupervisor::discardProcess()
{
    QProcess *process = std::exchange(m_process, nullptr);
    if (!process)
        return;
    process->disconnect(this);
    if (process->state() == QProcess::NotRunning) {
        process->deleteLater();
        return;
    }
    // Killed without waiting; deleted once it has really gone (deleting a running QProcess
    // would block while it waits).
    connect(process, &QProcess::finished, process, &QObject::deleteLater);
    process->kill();
}

void LocalServerSupervisor::fail(const QString &reason)
{
    m_startTimer->stop();
    discardProcess();
    m_url.clear();
    qCWarning(lcLocalServer).noquote() << "local server failed:" << reason;
    setState(State::Failed);
    emit failed(reason);
}

void LocalServerSupervisor::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

} // namespace pygmi::core
