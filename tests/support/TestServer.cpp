#include "TestServer.h"

#include <QDeadlineTimer>
#include <QRegularExpression>

namespace pygmi::test {

TestServer::TestServer()
    : m_dataDir(std::make_unique<QTemporaryDir>())
{
}

TestServer::~TestServer()
{
    stop();
}

QString TestServer::serverProgram()
{
    return QStringLiteral(PYGMI_SERVER_PATH);
}

bool TestServer::start(const QStringList &extraArgs, int timeoutMs)
{
    stop();
    m_lastArgs = extraArgs;
    m_url.clear();
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    QStringList args { QStringLiteral("--data-dir"), m_dataDir->path(), QStringLiteral("--listen"),
                       QStringLiteral("127.0.0.1:0") };
    args += extraArgs;
    m_process->start(serverProgram(), args);
    if (!m_process->waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("could not start %1: %2").arg(serverProgram(), m_process->errorString());
        return false;
    }
    static const QRegularExpression listening(QStringLiteral("listening on (https?://[^\\s]+)"));
    QDeadlineTimer deadline(timeoutMs);
    // On restart the output of the previous run is kept: look only at what this run printed.
    const qsizetype outputStart = m_output.size();
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running && !m_process->bytesAvailable()) {
            m_error = QStringLiteral("server exited early: %1").arg(QString::fromUtf8(m_output));
            return false;
        }
        m_process->waitForReadyRead(100);
        m_output += m_process->readAll();
        const auto match = listening.match(QString::fromUtf8(m_output.mid(outputStart)));
        if (match.hasMatch()) {
            m_url = QUrl(match.captured(1));
            // Keep collecting output without blocking the tests.
            QObject::connect(m_process.get(), &QProcess::readyRead,
                             [this] { m_output += m_process->readAll(); });
            return true;
        }
    }
    m_error = QStringLiteral("server did not report its address in time: %1").arg(QString::fromUtf8(m_output));
    return false;
}

void TestServer::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
    }
    m_output += m_process->readAll();
    m_process.reset();
}

bool TestServer::restart(const QStringList &extraArgs)
{
    return start(extraArgs.isEmpty() ? m_lastArgs : extraArgs);
}

bool TestServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

qint64 TestServer::processId() const
{
    return m_process ? m_process->processId() : 0;
}

} // namespace pygmi::test
