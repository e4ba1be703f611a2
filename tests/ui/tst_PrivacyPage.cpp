// The Privacy page with real widgets (offscreen) against a real server: an export is asked for,
// becomes ready, is downloaded with Range (also resumed) and verified file by file; an account
// deletion is scheduled through its dialog and cancelled from the grace banner; another device is
// signed out and its next request is refused.
#include "ServerApi.h"
#include "TestServer.h"
#include "UiTestSupport.h"
#include "api/ApiClient.h"
#include "common/Banner.h"
#include "common/FileDialog.h"
#include "privacy/ExportDownload.h"
#include "privacy/PrivacyPage.h"
#include "privacy/PrivacyService.h"

#include <QCryptographicHash>
#include <QDialog>
#include <QImage>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QtTest>

using namespace pygmi;
using namespace pygmi::test;

namespace {
const auto kPassword = QStringLiteral("violet-harbor-42");
}

class TestPrivacyPage : public QObject
{
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<ServerApi> m_api;
    std::unique_ptr<core::ApiClient> m_client;
    std::unique_ptr<core::PrivacyService> m_privacy;
    std::unique_ptr<ui::PrivacyPage> m_page;
    QTemporaryDir m_dir;
    QString m_email;

    void shoot(const QString &name)
    {
        const QString dir = qEnvironmentVariable("PYGMI_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            m_page->grab().save(QStringLiteral("%1/%2.png").arg(dir, name));
    }

    void click(const char *name)
    {
        auto *button = child<QAbstractButton>(m_page.get(), name);
        QVERIFY2(button, name);
        QTRY_VERIFY2(button->isEnabled(), name);
        button->click();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(m_server.start({ QStringLiteral("--test-clock"), QStringLiteral("--sketch-step-ms"),
                                  QStringLiteral("0"), QStringLiteral("--privacy-sweep-ms"), QStringLiteral("50") }),
                 qPrintable(m_server.errorString()));
        m_api = std::make_unique<ServerApi>(m_server.url());
        m_email = QStringLiteral("page.%1@example.test").arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
        const ApiReply signup = m_api->signup(m_email, kPassword);
        QCOMPARE(signup.status, 201);
        // Something to export: one finished image.
        const QString token = signup.json.value(QStringLiteral("access_token")).toString();
        QJsonObject request { { QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces) },
                              { QStringLiteral("prompt"), QStringLiteral("a paper boat on a pond") },
                              { QStringLiteral("media"), QStringLiteral("image") },
                              { QStringLiteral("width"), 64 },
                              { QStringLiteral("height"), 64 },
                              { QStringLiteral("count"), 1 },
                              { QStringLiteral("provider"), QStringLiteral("sketch") },
                              { QStringLiteral("model"), QStringLiteral("sketch-1") } };
        QCOMPARE(m_api->post(QStringLiteral("/v1/generations"), request, token).status, 201);

        m_client = std::make_unique<core::ApiClient>();
        m_client->setBaseUrl(m_server.url());
        m_client->setAccessToken(token);
        m_privacy = std::make_unique<core::PrivacyService>(m_client.get(), m_dir.filePath(QStringLiteral("privacy")));
        m_privacy->start(signup.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString());
        m_page = std::make_unique<ui::PrivacyPage>(m_privacy.get());
        m_page->resize(1000, 1400);
        m_page->show();
        QTRY_VERIFY(!m_privacy->summary().isEmpty());
    }

    void exportReadyDownloadVerified()
    {
        click("requestExportButton");
        auto *download = child<QPushButton>(m_page.get(), "downloadExportButton");
        QTRY_VERIFY_WITH_TIMEOUT(download->isEnabled(), 20000);
        QVERIFY(child<QLabel>(m_page.get(), "exportStatusLabel")->text().contains(QStringLiteral("Ready")));
        const QString path = m_dir.filePath(QStringLiteral("archive.zip"));
        ui::FileDialog::setNextSaveFileName(path);
        download->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_privacy->download()->state(), core::ExportDownload::State::Verified, 20000);
        QVERIFY(child<QLabel>(m_page.get(), "downloadStatusLabel")->text().contains(QStringLiteral("verified")));
        QVERIFY(m_privacy->download()->filesChecked() >= 3);
        QVERIFY(QFile::exists(path));
        QVERIFY(!QFile::exists(path + QStringLiteral(".part")));
        shoot(QStringLiteral("privacy-export"));

        // A download that stopped half-way continues from its part file and ends verified.
        QFile whole(path);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        const QString resumed = m_dir.filePath(QStringLiteral("resumed.zip"));
        QFile part(resumed + QStringLiteral(".part"));
        QVERIFY(part.open(QIODevice::WriteOnly));
        part.write(bytes.left(bytes.size() / 2));
        part.close();
        ui::FileDialog::setNextSaveFileName(resumed);
        download->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_privacy->download()->state(), core::ExportDownload::State::Verified, 20000);
        QFile done(resumed);
        QVERIFY(done.open(QIODevice::ReadOnly));
        QCOMPARE(done.readAll(), bytes);
        // The completed request came with a receipt that the app verified and kept.
        QTRY_VERIFY(!m_privacy->storedReceipts().isEmpty());
        const QString id = m_privacy->requests().first().toObject().value(QStringLiteral("id")).toString();
        QTRY_VERIFY(m_privacy->isReceiptVerified(id));
    }

    void avatarIsReencoded()
    {
        QImage picture(600, 400, QImage::Format_RGB32);
        picture.fill(Qt::darkCyan);
        picture.setText(QStringLiteral("Location"), QStringLiteral("52.52N 13.40E secret place"));
        const QString path = m_dir.filePath(QStringLiteral("me.png"));
        QVERIFY(picture.save(path));
        ui::PrivacyPage::setNextAvatarFile(path);
        click("chooseAvatarButton");
        QTRY_VERIFY(!m_privacy->profile().value(QStringLiteral("avatar_url")).isNull());
        const ApiReply stored = m_api->get(QStringLiteral("/v1/privacy/profile/avatar"), m_client->accessToken());
        QCOMPARE(stored.status, 200);
        QVERIFY(!stored.body.contains("secret place"));
        QImage back;
        QVERIFY(back.loadFromData(stored.body));
        QCOMPARE(back.width(), 256); // scaled down to at most 256 px, aspect kept
        QVERIFY(back.height() == 170 || back.height() == 171);
        QTRY_VERIFY(!child<QLabel>(m_page.get(), "avatarPreview")->pixmap().isNull());
    }

    void deleteAccountGraceBannerCancel()
    {
        click("deleteAccountButton");
        QDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<QDialog *>(QStringLiteral("deleteAccountDialog"))) != nullptr);
        auto *preview = dialog->findChild<QTextBrowser *>(QStringLiteral("deletionPreview"));
        QTRY_VERIFY(preview->toPlainText().contains(QStringLiteral("Kept")));
        if (!qEnvironmentVariableIsEmpty("PYGMI_SCREENSHOT_DIR"))
            dialog->grab().save(qEnvironmentVariable("PYGMI_SCREENSHOT_DIR")
                                + QStringLiteral("/privacy-delete-dialog.png"));
        // A wrong password schedules nothing.
        auto *password = dialog->findChild<QLineEdit *>(QStringLiteral("deletionPasswordEdit"));
        password->setText(QStringLiteral("not-the-password"));
        dialog->findChild<QPushButton *>(QStringLiteral("scheduleDeletionButton"))->click();
        QTRY_VERIFY(dialog->findChild<QLabel *>(QStringLiteral("deletionErrorLabel"))->isVisible());
        password->setText(kPassword);
        dialog->findChild<QPushButton *>(QStringLiteral("scheduleDeletionButton"))->click();
        auto *banner = child<ui::Banner>(m_page.get(), "privacyDeletionBanner");
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        QVERIFY(banner->text().contains(QStringLiteral("deleted on")));
        shoot(QStringLiteral("privacy-grace"));
        click("cancelDeletionButton");
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 10000);
        // On the server: cancelled, and the account signs in as before.
        bool cancelled = false;
        for (const QJsonValue &value : m_privacy->requests()) {
            const QJsonObject request = value.toObject();
            if (request.value(QStringLiteral("type")).toString() == u"erasure")
                cancelled = cancelled || request.value(QStringLiteral("status")).toString() == u"cancelled";
        }
        QVERIFY(cancelled);
        QCOMPARE(m_api->login(m_email, kPassword).status, 200);
    }

    void revokeAnotherSession()
    {
        QJsonObject body { { QStringLiteral("email"), m_email },
                           { QStringLiteral("password"), kPassword },
                           { QStringLiteral("device_name"), QStringLiteral("Old phone") } };
        const QString phone
            = m_api->post(QStringLiteral("/v1/auth/login"), body).json.value(QStringLiteral("access_token")).toString();
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), phone).status, 200);
        m_privacy->refreshSessions();
        auto *tree = child<QTreeWidget>(m_page.get(), "sessionsTree");
        QTreeWidgetItem *target = nullptr;
        QTRY_VERIFY([&] {
            for (int i = 0; i < tree->topLevelItemCount(); ++i) {
                if (tree->topLevelItem(i)->text(0) == u"Old phone")
                    target = tree->topLevelItem(i);
            }
            return target != nullptr;
        }());
        tree->setCurrentItem(target);
        click("revokeSessionButton");
        QTRY_COMPARE_WITH_TIMEOUT(m_api->get(QStringLiteral("/v1/me"), phone).status, 401, 10000);
        // This device is still signed in.
        QCOMPARE(m_api->get(QStringLiteral("/v1/me"), m_client->accessToken()).status, 200);
        auto *scroll = child<QScrollArea>(m_page.get(), "privacyScroll");
        scroll->verticalScrollBar()->setValue(scroll->verticalScrollBar()->maximum());
        QTest::qWait(50);
        shoot(QStringLiteral("privacy-sessions"));
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_privacy.reset();
        m_client.reset();
        m_server.stop();
    }
};

PYGMI_UI_TEST_MAIN(TestPrivacyPage)
#include "tst_PrivacyPage.moc"
