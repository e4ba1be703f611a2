// PromptHistory: the local, searchable record of submitted prompts with all their parameters.
#include "generation/GenerationTypes.h"
#include "generation/PromptHistory.h"

#include <QFile>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace pygmi::core;

class TestPromptHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void searchFindsPromptsAndRestoresEveryParameter()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/history.sqlite"));
        GenerationRequest video;
        video.prompt = QStringLiteral("A lighthouse at dusk, 100% calm");
        video.negativePrompt = QStringLiteral("people");
        video.style = QStringLiteral("watercolor");
        video.media = QStringLiteral("video");
        video.width = 640;
        video.height = 360;
        video.count = 2;
        video.seed = 424242;
        video.provider = QStringLiteral("sketch");
        video.model = QStringLiteral("sketch-1");
        video.durationS = 2.5;
        video.fps = 15;
        {
            PromptHistory history(path);
            QVERIFY(history.isOpen());
            GenerationRequest image;
            image.prompt = QStringLiteral("Red fox in snow");
            image.provider = QStringLiteral("sketch");
            history.add(image);
            history.add(video);
            QCOMPARE(history.count(), 2);
        }
        // Reopened (the app restarted): still there, newest first.
        PromptHistory history(path);
        const auto all = history.search();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all.first().request.prompt, video.prompt);

        const auto hits = history.search(QStringLiteral("LIGHTHOUSE"));
        QCOMPARE(hits.size(), 1);
        const GenerationRequest restored = hits.first().request;
        QVERIFY(restored.sameParameters(video));
        QCOMPARE(restored.seed.value_or(0), 424242);
        QCOMPARE(restored.durationS, 2.5);
        QCOMPARE(restored.fps, 15);
        QVERIFY(restored.id.isEmpty()); // restoring makes a new submission

        // Matches the negative prompt too; LIKE wildcards are literal.
        QCOMPARE(history.search(QStringLiteral("people")).size(), 1);
        QCOMPARE(history.search(QStringLiteral("100%")).size(), 1);
        QCOMPARE(history.search(QStringLiteral("_")).size(), 0);
        QCOMPARE(history.search(QStringLiteral("zebra")).size(), 0);

        // The same request again moves to the top instead of piling up.
        GenerationRequest again = video;
        again.id = QStringLiteral("00000000-0000-4000-8000-000000000001");
        history.add(again);
        QCOMPARE(history.count(), 2);

        history.remove(history.search(QStringLiteral("fox")).first().id);
        QCOMPARE(history.count(), 1);
        history.clear();
        QCOMPARE(history.count(), 0);
    }

    void storedInWalModeReadableOnlyByTheUser()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("history.sqlite"));
        {
            PromptHistory history(path);
            GenerationRequest r;
            r.prompt = QStringLiteral("private words");
            history.add(r);
        }
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                 QFileDevice::Permissions());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }

    void generationJsonParses()
    {
        const QByteArray json = R"({"id":"0b3f6a7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b","state":"blocked",
            "request":{"id":"0b3f6a7e-1c2d-4e5f-8a9b-0c1d2e3f4a5b","prompt":"p","media":"image","width":512,
                       "height":512,"count":1,"seed":7,"provider":"sketch","model":"sketch-1"},
            "seed":7,"progress":{"step":0,"total":0},"error":null,
            "moderation":{"decision_id":"d","category":"violence","automated":true,
                          "decided_at":"2026-11-29T01:00:00Z","reason":"why"},
            "assets":[],"created_at":"2026-11-29T01:00:00.123Z","started_at":null,"finished_at":null})";
        const Generation g = Generation::fromJson(QJsonDocument::fromJson(json).object());
        QCOMPARE(g.state, Generation::State::Blocked);
        QVERIFY(g.isFinal());
        QVERIFY(g.moderation);
        QCOMPARE(g.moderation->category, QStringLiteral("violence"));
        QCOMPARE(g.request.width, 512);
        QCOMPARE(g.request.seed.value_or(0), 7);
        QVERIFY(g.createdAt.isValid());
        // A request without seed sends null (the server picks one).
        GenerationRequest r;
        QVERIFY(r.toJson().value(QStringLiteral("seed")).isNull());
        QVERIFY(!r.toJson().contains(QStringLiteral("fps")));
    }
};

QTEST_GUILESS_MAIN(TestPromptHistory)
#include "tst_PromptHistory.moc"
