#include "generation/PromptHistory.h"

#include "generation/GenerationLogging.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QUuid>

namespace pygmi::core {

namespace {

QString escapeLike(QString text)
{
    text.replace(u'\\', QStringLiteral("\\\\"));
    text.replace(u'%', QStringLiteral("\\%"));
    text.replace(u'_', QStringLiteral("\\_"));
    return text;
}

} // namespace

PromptHistory::PromptHistory(const QString &filePath, QObject *parent)
    : QObject(parent)
    , m_connection(QStringLiteral("prompt-history-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
    QDir().mkpath(QFileInfo(filePath).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(filePath);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        qCWarning(lcGeneration) << "prompt history unavailable:" << db.lastError().type();
        return;
    }
    QFile::setPermissions(filePath, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    m_open = q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS prompt_history ("
                                   " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                   " created_at BIGINT NOT NULL,"
                                   " prompt TEXT NOT NULL,"
                                   " negative_prompt TEXT NOT NULL,"
                                   " params TEXT NOT NULL)"))
        && q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS prompt_history_created ON prompt_history(created_at)"));
    if (!m_open)
        qCWarning(lcGeneration) << "prompt history: schema not created";
}

PromptHistory::~PromptHistory()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

void PromptHistory::add(const GenerationRequest &request)
{
    if (!m_open)
        return;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    const QByteArray params = QJsonDocument(request.toJson(false)).toJson(QJsonDocument::Compact);
    db.transaction();
    QSqlQuery del(db);
    del.prepare(QStringLiteral("DELETE FROM prompt_history WHERE params = ?"));
    del.addBindValue(QString::fromUtf8(params));
    del.exec();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO prompt_history (created_at, prompt, negative_prompt, params) "
                             "VALUES (?, ?, ?, ?)"));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    // A null QString binds as SQL NULL; the columns want text.
    q.addBindValue(request.prompt.isNull() ? QStringLiteral("") : request.prompt);
    q.addBindValue(request.negativePrompt.isNull() ? QStringLiteral("") : request.negativePrompt);
    q.addBindValue(QString::fromUtf8(params));
    if (!q.exec())
        qCWarning(lcGeneration) << "prompt history: entry not saved";
    db.commit();
    Q_EMIT changed();
}

QList<PromptHistory::Entry> PromptHistory::search(const QString &text, int limit) const
{
    QList<Entry> entries;
    if (!m_open)
        return entries;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    const QString needle = text.trimmed();
    if (needle.isEmpty()) {
        q.prepare(QStringLiteral("SELECT id, created_at, params FROM prompt_history ORDER BY id DESC LIMIT ?"));
    } else {
        q.prepare(QStringLiteral("SELECT id, created_at, params FROM prompt_history "
                                 "WHERE lower(prompt) LIKE ? ESCAPE '\\' OR lower(negative_prompt) LIKE ? ESCAPE '\\' "
                                 "ORDER BY id DESC LIMIT ?"));
        const QString pattern = u'%' + escapeLike(needle.toLower()) + u'%';
        q.addBindValue(pattern);
        q.addBindValue(pattern);
    }
    q.addBindValue(limit);
    if (!q.exec())
        return entries;
    while (q.next()) {
        Entry e;
        e.id = q.value(0).toLongLong();
        e.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
        e.request = GenerationRequest::fromJson(QJsonDocument::fromJson(q.value(2).toString().toUtf8()).object());
        entries.append(e);
    }
    return entries;
}

void PromptHistory::remove(qint64 id)
{
    if (!m_open)
        return;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("DELETE FROM prompt_history WHERE id = ?"));
    q.addBindValue(id);
    q.exec();
    Q_EMIT changed();
}

void PromptHistory::clear()
{
    if (!m_open)
        return;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(QStringLiteral("DELETE FROM prompt_history"));
    Q_EMIT changed();
}

int PromptHistory::count() const
{
    if (!m_open)
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (q.exec(QStringLiteral("SELECT COUNT(*) FROM prompt_history")) && q.next())
        return q.value(0).toInt();
    return 0;
}

} // namespace pygmi::core
