// Unit tests: the saved profile round-trips and never contains a secret.
#include "session/ServerProfile.h"

#include <QFile>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace pygmi::core;

class TestServerProfile : public QObject
{
    Q_OBJECT

private slots:
    void remoteRoundTrip()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("nested/config")); // created on save
        ServerProfile p;
        p.kind = ServerProfile::Kind::Remote;
        p.url = QUrl(QStringLiteral("https://pygmi.example:8443/api"));
        p.userId = QStringLiteral("6f1d6c8e-0000-4000-8000-000000000001");
        p.email = QStringLiteral("ana@example.com");
        p.displayName = QStringLiteral("Ana Löwe");
        QVERIFY(p.save(dir));

        const auto loaded = ServerProfile::load(dir);
        QVERIFY(loaded.has_value());
        QCOMPARE(loaded->kind, ServerProfile::Kind::Remote);
        QCOMPARE(loaded->url, p.url);
        QCOMPARE(loaded->userId, p.userId);
        QCOMPARE(loaded->email, p.email);
        QCOMPARE(loaded->displayName, p.displayName);
        QCOMPARE(loaded->refreshTokenKey(), p.refreshTokenKey());
        QVERIFY(p.refreshTokenKey().contains(p.userId));

        const QFileInfo info(dir + QStringLiteral("/profile.json"));
        QCOMPARE(info.permissions() & (QFile::ReadOther | QFile::ReadGroup), QFileDevice::Permissions {});
        // Atomic save leaves no temporary file behind.
        QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("profile.json") });

        QVERIFY(ServerProfile::remove(dir));
        QVERIFY(!ServerProfile::load(dir).has_value());
        QVERIFY(ServerProfile::remove(dir)); // nothing to remove is fine
    }

    void localRoundTripHasNoUrl()
    {
        QTemporaryDir tmp;
        ServerProfile p; // Local
        p.userId = QStringLiteral("u-1");
        p.displayName = QStringLiteral("Me");
        QVERIFY(p.save(tmp.path()));
        const auto loaded = ServerProfile::load(tmp.path());
        QVERIFY(loaded.has_value());
        QVERIFY(loaded->isLocal());
        QVERIFY(loaded->url.isEmpty());
        QCOMPARE(loaded->displayName, p.displayName);
        QVERIFY(p.refreshTokenKey() != ServerProfile::installSecretKey());
    }

    void containsNoSecrets()
    {
        QTemporaryDir tmp;
        ServerProfile p;
        p.kind = ServerProfile::Kind::Remote;
        p.url = QUrl(QStringLiteral("https://pygmi.example"));
        p.userId = QStringLiteral("u-2");
        p.email = QStringLiteral("b@example.com");
        QVERIFY(p.save(tmp.path()));
        QFile f(tmp.filePath(QStringLiteral("profile.json")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll().toLower();
        QVERIFY(!text.contains("token"));
        QVERIFY(!text.contains("secret"));
        QVERIFY(!text.contains("password"));
    }

    void rejectsBrokenOrInsecureFiles()
    {
        QTemporaryDir tmp;
        QVERIFY(!ServerProfile::load(tmp.path()).has_value()); // first run
        auto write = [&](const QByteArray &content) {
            QFile f(tmp.filePath(QStringLiteral("profile.json")));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(content);
        };
        write("{not json");
        QVERIFY(!ServerProfile::load(tmp.path()).has_value());
        // A hand-edited downgrade to clear-text http on a remote host is refused.
        write("{\"version\":1,\"kind\":\"remote\",\"url\":\"http:/\x2Fpygmi.example\",\"user_id\":\"u\"}");
        QVERIFY(!ServerProfile::load(tmp.path()).has_value());
        write("{\"version\":99,\"kind\":\"local\"}");
        QVERIFY(!ServerProfile::load(tmp.path()).has_value());
    }
};

QTEST_GUILESS_MAIN(TestServerProfile)
#include "tst_ServerProfile.moc"
