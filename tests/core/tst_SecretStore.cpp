// SecretStore against the real Secret Service (gnome-keyring in a private D-Bus session), and
// without any keychain. Which half runs is chosen by ctest's arguments and environment.
#include "SandboxScan.h"
#include "session/SecretStore.h"

#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace pygmi::core;
using pygmi::test::filesContaining;
using pygmi::test::sandboxDirs;

namespace {

const QString kService = QStringLiteral("Pygmi Studio tests");

QByteArray uniqueSecret()
{
    return "pygmi-test-secret-" + QByteArray::number(QRandomGenerator::system()->generate64(), 36);
}

QString uniqueKey()
{
    return QStringLiteral("test:%1").arg(QRandomGenerator::system()->generate64(), 0, 36);
}

bool busIsFake()
{
    const QString bus = qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS");
    return bus.contains(QStringLiteral("/nonexistent/")) || qEnvironmentVariableIsSet("PYGMI_TEST_HANGING_BUS");
}

struct Result
{
    bool called = false;
    bool ok = false;
    std::optional<QByteArray> value;
    QString error;
};

Result writeSync(SecretStore &store, const QString &key, const QByteArray &secret)
{
    Result r;
    store.write(key, secret, nullptr, [&r](bool persisted, const QString &error) {
        r.called = true;
        r.ok = persisted;
        r.error = error;
    });
    if (!QTest::qWaitFor([&] { return r.called; }, 20000))
        qWarning("write timed out");
    return r;
}

Result readSync(SecretStore &store, const QString &key)
{
    Result r;
    store.read(key, nullptr, [&r](std::optional<QByteArray> secret, const QString &error) {
        r.called = true;
        r.value = std::move(secret);
        r.error = error;
    });
    if (!QTest::qWaitFor([&] { return r.called; }, 20000))
        qWarning("read timed out");
    return r;
}

Result removeSync(SecretStore &store, const QString &key)
{
    Result r;
    store.remove(key, nullptr, [&r](bool ok) {
        r.called = true;
        r.ok = ok;
    });
    if (!QTest::qWaitFor([&] { return r.called; }, 20000))
        qWarning("remove timed out");
    return r;
}

} // namespace

class TestSecretStore : public QObject
{
    Q_OBJECT

private slots:
    // --- with the real keychain ------------------------------------------------------------
    void probeFindsTheKeychain()
    {
        if (busIsFake())
            QSKIP("needs the real Secret Service (run under dbus-run-session with gnome-keyring)");
        SecretStore store(kService);
        QSignalSpy spy(&store, &SecretStore::statusChanged);
        store.probe();
        QTRY_VERIFY_WITH_TIMEOUT(store.status() != SecretStore::Status::Unknown, 15000);
        QVERIFY2(store.isPersistent(), "no working keychain: is gnome-keyring running and unlocked?");
        QCOMPARE(spy.count(), 1);
    }

    void roundTripThroughTheKeychain()
    {
        if (busIsFake())
            QSKIP("needs the real Secret Service");
        const QString key = uniqueKey();
        const QByteArray secret = uniqueSecret();
        {
            SecretStore store(kService);
            const Result w = writeSync(store, key, secret); // before probe(): queued until it settles
            QVERIFY(w.called);
            QVERIFY2(w.ok, qPrintable(w.error));
            QVERIFY(store.isPersistent());
            QCOMPARE(readSync(store, key).value, std::optional<QByteArray>(secret));
            // Overwrite (a token rotation) replaces the value.
            QVERIFY(writeSync(store, key, secret + "-2").ok);
        }
        // A second store (as after a restart) finds it: it is in the keychain, not in memory.
        SecretStore again(kService);
        Result r = readSync(again, key);
        QCOMPARE(r.value, std::optional<QByteArray>(secret + "-2"));
        QVERIFY(removeSync(again, key).ok);
        r = readSync(again, key);
        QVERIFY(r.called);
        QVERIFY(!r.value.has_value());
        QVERIFY(r.error.isEmpty()); // "not found" is not an error
        QVERIFY(removeSync(again, key).ok); // removing twice is fine
    }

    void secretIsNotOnDiskInPlaintext()
    {
        if (busIsFake())
            QSKIP("needs the real Secret Service");
        const QStringList dirs = sandboxDirs();
        if (dirs.isEmpty())
            QSKIP("HOME/XDG dirs are not throwaway directories; not scanning them");
        SecretStore store(kService);
        const QString key = uniqueKey();
        const QByteArray secret = uniqueSecret();
        QVERIFY(writeSync(store, key, secret).ok);
        QTest::qWait(500); // let gnome-keyring write its (encrypted) file
        QCOMPARE(filesContaining(dirs, secret), QStringList {});
        QVERIFY(removeSync(store, key).ok);
    }

    void callbacksSkipDestroyedContext()
    {
        if (busIsFake())
            QSKIP("needs the real Secret Service");
        SecretStore store(kService);
        bool called = false;
        auto *context = new QObject;
        store.read(uniqueKey(), context, [&called](std::optional<QByteArray>, const QString &) { called = true; });
        delete context;
        bool done = false;
        store.read(uniqueKey(), nullptr, [&done](std::optional<QByteArray>, const QString &) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 15000);
        QVERIFY(!called);
    }

    // --- without a keychain ---------------------------------------------------------------
    void memoryOnlyWithoutBus()
    {
        if (!qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains(QStringLiteral("/nonexistent/")))
            QSKIP("run with DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus");
        QElapsedTimer timer;
        timer.start();
        SecretStore store(kService);
        store.probe();
        QTRY_VERIFY_WITH_TIMEOUT(store.status() != SecretStore::Status::Unknown, 15000);
        QCOMPARE(store.status(), SecretStore::Status::MemoryOnly);
        QVERIFY2(timer.elapsed() < 3000, "a missing bus must be detected quickly");

        const QString key = uniqueKey();
        const QByteArray secret = uniqueSecret();
        const Result w = writeSync(store, key, secret);
        QVERIFY(w.called);
        QVERIFY(!w.ok); // says honestly that it will not survive a restart
        QCOMPARE(readSync(store, key).value, std::optional<QByteArray>(secret));

        SecretStore other(kService); // "after a restart": gone
        QVERIFY(!readSync(other, key).value.has_value());

        const QStringList dirs = sandboxDirs();
        QVERIFY2(!dirs.isEmpty(), "point HOME/XDG_* at throwaway dirs (PYGMI_TEST_SANDBOX)");
        QCOMPARE(filesContaining(dirs, secret), QStringList {});

        QVERIFY(removeSync(store, key).ok);
        QVERIFY(!readSync(store, key).value.has_value());
    }

    void hangingKeychainFallsBackAfterTimeout()
    {
        const QString socketPath = qEnvironmentVariable("PYGMI_TEST_HANGING_BUS");
        if (socketPath.isEmpty())
            QSKIP("run with PYGMI_TEST_HANGING_BUS=<path> and DBUS_SESSION_BUS_ADDRESS=unix:path=<path>");
        // A "bus" that accepts connections and never answers, like a D-Bus activation that hangs.
        QLocalServer::removeServer(socketPath);
        QLocalServer server;
        QList<QLocalSocket *> clients;
        connect(&server, &QLocalServer::newConnection, this, [&] {
            while (auto *c = server.nextPendingConnection())
                clients.append(c);
        });
        QVERIFY2(server.listen(socketPath), qPrintable(server.errorString()));

        SecretStore store(kService);
        store.setProbeTimeout(1500);
        QElapsedTimer timer;
        timer.start();
        const Result w = writeSync(store, uniqueKey(), uniqueSecret()); // queued behind the probe
        QVERIFY(w.called);
        QCOMPARE(store.status(), SecretStore::Status::MemoryOnly);
        QVERIFY2(timer.elapsed() < 5000, "the probe timeout must bound the wait");
    }
};

QTEST_GUILESS_MAIN(TestSecretStore)
#include "tst_SecretStore.moc"
