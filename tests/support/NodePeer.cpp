#include "NodePeer.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <cstdio>
#include <cstdlib>

namespace pygmi::test {

namespace {

QString interopDir()
{
    return QStringLiteral(PYGMI_INTEROP_DIR);
}

} // namespace

NodePeer::~NodePeer()
{
    stop();
}

QString NodePeer::unavailableReason()
{
    return unavailableReason(QStringLiteral("oidc-provider"));
}

QString NodePeer::unavailableReason(const QString &package)
{
    if (QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty())
        return QStringLiteral("node is not installed");
    if (!QFileInfo::exists(interopDir() + QStringLiteral("/node_modules/") + package + QStringLiteral("/package.json")))
        return QStringLiteral("the test peers are not installed (run npm install in tests/interop, or scripts/test)");
    return {};
}

QString NodePeer::nodeProgram()
{
    return QStandardPaths::findExecutable(QStringLiteral("node"));
}

QString NodePeer::scriptPath(const QString &script)
{
    return interopDir() + u'/' + script;
}

void NodePeer::skipUnlessAvailable()
{
    skipUnlessAvailable(QStringLiteral("oidc-provider"));
}

void NodePeer::skipUnlessAvailable(const QString &package)
{
    const QString reason = unavailableReason(package);
    if (reason.isEmpty())
        return;
    std::fprintf(stdout, "SKIP: %s\n", qPrintable(reason));
    std::fflush(stdout);
    std::exit(kSkipReturnCode);
}

bool NodePeer::start(const QString &script, const QStringList &args, int timeoutMs)
{
    stop();
    m_process = std::make_unique<QProcess>();
    m_process->setWorkingDirectory(interopDir());
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->start(QStandardPaths::findExecutable(QStringLiteral("node")),
                     QStringList { interopDir() + u'/' + script } + args);
    if (!m_process->waitForStarted(5000)) {
        m_error = QStringLiteral("node did not start: %1").arg(m_process->errorString());
        return false;
    }
    QByteArray output;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        m_process->waitForReadyRead(100);
        output += m_process->readAllStandardOutput();
        const qsizetype at = output.indexOf("listening on ");
        const qsizetype end = output.indexOf('\n', at);
        if (at >= 0 && end > at) {
            m_url = QUrl(QString::fromUtf8(output.mid(at + 13, end - at - 13).trimmed()));
            return true;
        }
        if (m_process->state() == QProcess::NotRunning)
            break;
    }
    m_error = QStringLiteral("%1 did not start: %2").arg(script, QString::fromUtf8(m_process->readAllStandardError()));
    return false;
}

void NodePeer::stop()
{
    if (!m_process)
        return;
    m_process->closeWriteChannel();
    m_process->terminate();
    if (!m_process->waitForFinished(3000)) {
        m_process->kill();
        m_process->waitForFinished(3000);
    }
    m_process.reset();
}

} // namespace pygmi::test
