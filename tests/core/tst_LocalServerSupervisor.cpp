// LocalServerSupervisor with the real pygmi-server: start, restart once, fail, stop, and
// never outliving its parent.
#include "TestServer.h"
#include "api/ApiClient.h"
#include "localserver/LocalServerSupervisor.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace pygmi::core;
using pygmi::test::TestServer;

namespace {

// True while the process exists and is not a zombie (a reparented child may wait for a
// reaper that a container's pid 1 never runs).
bool isAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const qsizetype paren = text.lastIndexOf(')');
    const char state = paren >= 0 && paren + 2 < text.size() ? text.at(paren + 2) : '?';
    return state != 'Z' && state != 'X';
}

bool healthy(const QUrl &url)
{
    ApiClient api;
    api.setBaseUrl(url);
    bool ok = false;
    bool done = false;
    api.get(QStringLiteral("/v1/server"), nullptr, [&](const ApiResponse &r) {
        ok = r.ok() && r.json.value(QStringLiteral("mode")).toString() == u"local";
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        return false;
    return ok;
}

} // namespace

class TestLocalServerSupervisor : public QObject
{
    Q_OBJECT

private slots:
    void startsRestartsOnceThenFails()
    {
        QTemporaryDir data;
        LocalServerSupervisor supervisor(TestServer::serverProgram(), data.filePath(QStringLiteral("server")));
        QSignalSpy ready(&supervisor, &LocalServerSupervisor::ready);
        QSignalSpy restarting(&supervisor, &LocalServerSupervisor::restarting);
        QSignalSpy failed(&supervisor, &LocalServerSupervisor::failed);

        QElapsedTimer timer;
        timer.start();
        supervisor.start();
        QVERIFY(timer.elapsed() < 1000); // start() does not wait for the child
        QCOMPARE(supervisor.state(), LocalServerSupervisor::State::Starting);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 15000);
        const QUrl first = ready.at(0).at(0).toUrl();
        QCOMPARE(first.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(first.port() > 0);
        QCOMPARE(supervisor.url(), first);
        QCOMPARE(supervisor.state(), LocalServerSupervisor::State::Running);
        QVERIFY(healthy(first));
        QVERIFY(QFileInfo::exists(data.filePath(QStringLiteral("server"))));

        // A crash: restarted once, on a fresh ephemeral port.
        const qint64 firstPid = supervisor.processId();
        QVERIFY(::kill(pid_t(firstPid), SIGKILL) == 0);
        QTRY_COMPARE_WITH_TIMEOUT(restarting.count(), 1, 10000);
        QVERIFY(!restarting.at(0).at(0).toString().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 2, 15000);
        const QUrl second = ready.at(1).at(0).toUrl();
        if (second.port() == first.port())
            qWarning("the kernel handed out the same port again");
        QVERIFY(supervisor.processId() != firstPid);
        QCOMPARE(supervisor.restartCount(), 1);
        QVERIFY(healthy(second));

        // A second crash: no more restarts.
        const qint64 secondPid = supervisor.processId();
        QVERIFY(::kill(pid_t(secondPid), SIGKILL) == 0);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QCOMPARE(restarting.count(), 1);
        QCOMPARE(supervisor.state(), LocalServerSupervisor::State::Failed);
        QVERIFY(!failed.at(0).at(0).toString().isEmpty());
        QTRY_VERIFY(!isAlive(secondPid));
    }

    void stopEndsTheServerThroughStdin()
    {
        QTemporaryDir data;
        LocalServerSupervisor supervisor(TestServer::serverProgram(), data.path());
        QSignalSpy ready(&supervisor, &LocalServerSupervisor::ready);
        QSignalSpy failed(&supervisor, &LocalServerSupervisor::failed);
        supervisor.start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 15000);
        const qint64 pid = supervisor.processId();
        QVERIFY(isAlive(pid));

        QElapsedTimer timer;
        timer.start();
        supervisor.stop(5000);
        // Well below the 5 s grace: the server left on stdin EOF, no SIGTERM was needed.
        QVERIFY2(timer.elapsed() < 4000, "pygmi-server did not exit when its stdin closed (--exit-with-stdin)");
        QCOMPARE(supervisor.state(), LocalServerSupervisor::State::Stopped);
        QCOMPARE(failed.count(), 0);
        QVERIFY(!isAlive(pid));
        QVERIFY(supervisor.url().isEmpty());

        // It can be started again on the same data.
        supervisor.start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 2, 15000);
        supervisor.stop();
    }

    void destroyingTheSupervisorEndsTheServer()
    {
        QTemporaryDir data;
        auto *supervisor = new LocalServerSupervisor(TestServer::serverProgram(), data.path());
        QSignalSpy ready(supervisor, &LocalServerSupervisor::ready);
        supervisor->start();
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 15000);
        const qint64 pid = supervisor->processId();
        delete supervisor;
        QTRY_VERIFY_WITH_TIMEOUT(!isAlive(pid), 5000);
    }

    void serverDiesWithAKilledApp()
    {
        QTemporaryDir data;
        QProcess host;
        host.start(QStringLiteral(PYGMI_SUPERVISOR_HOST), { TestServer::serverProgram(), data.path() });
        QVERIFY(host.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += host.readAllStandardOutput()).contains('\n'), 15000);
        QVERIFY2(out.startsWith("server-pid "), out.constData());
        const qint64 serverPid = out.mid(11).trimmed().toLongLong();
        QVERIFY(isAlive(serverPid));

        host.kill(); // SIGKILL: no destructor, no stop()
        QVERIFY(host.waitForFinished());
        QTRY_VERIFY_WITH_TIMEOUT(!isAlive(serverPid), 5000);
    }

    void startFailureIsReported()
    {
        QTemporaryDir data;
        LocalServerSupervisor supervisor(data.filePath(QStringLiteral("no-such-server")), data.path());
        QSignalSpy failed(&supervisor, &LocalServerSupervisor::failed);
        QSignalSpy restarting(&supervisor, &LocalServerSupervisor::restarting);
        supervisor.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
        QCOMPARE(restarting.count(), 0);
        QCOMPARE(supervisor.state(), LocalServerSupervisor::State::Failed);
    }

    void serverThatExitsBeforeReadyIsNotRestarted()
    {
        // /bin/false ignores the arguments and exits 1 at once.
        QTemporaryDir data;
        LocalServerSupervisor supervisor(QStringLiteral("/bin/false"), data.path());
        QSignalSpy failed(&supervisor, &LocalServerSupervisor::failed);
        QSignalSpy restarting(&supervisor, &LocalServerSupervisor::restarting);
        supervisor.start();
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 5000);
        QCOMPARE(restarting.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLocalServerSupervisor)
#include "tst_LocalServerSupervisor.moc"
