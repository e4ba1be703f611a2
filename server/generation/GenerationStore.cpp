#include "GenerationStore.h"

#include "common/Clock.h"
#include "storage/Database.h"
#include "storage/WriteTransaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace pygmi::server {

namespace {

const QString kGenerationColumns = QStringLiteral(
    "id, user_id, state, request_body, request_json, seed, provider, model, media, progress_step, progress_total,"
    " error_code, error_message, moderation_decision_id, created_at, started_at, finished_at");

const QString kAssetColumns = QStringLiteral(
    "id, user_id, generation_id, idx, media, mime, width, height, duration_ms, fps, frame_count, bytes, sha256,"
    " poster_sha256, prompt, negative_prompt, style, seed, provider, model, processed_by, params_json, queued_ms,"
    " run_ms, excluded_from_training, created_at, expires_at, references_json");
// What a read returns: the written columns plus what the gallery lets the user change.
const QString kAssetReadColumns = kAssetColumns + QStringLiteral(", favourite, title");

std::optional<std::int64_t> optionalInt(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<std::int64_t>(value.toLongLong());
}

QJsonValue isoOrNull(const std::optional<std::int64_t> &ms)
{
    return ms ? QJsonValue(Clock::toIso(*ms)) : QJsonValue();
}

QJsonObject parseObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

GenerationStore::Generation readGeneration(const QSqlQuery &q)
{
    GenerationStore::Generation g;
    g.id = q.value(0).toString();
    g.userId = q.value(1).toString();
    g.state = q.value(2).toString();
    g.requestBody = q.value(3).toString();
    g.request = parseObject(q.value(4).toString());
    g.seed = q.value(5).toLongLong();
    g.provider = q.value(6).toString();
    g.model = q.value(7).toString();
    g.media = q.value(8).toString();
    g.step = q.value(9).toInt();
    g.total = q.value(10).toInt();
    g.errorCode = q.value(11).toString();
    g.errorMessage = q.value(12).toString();
    g.moderationDecisionId = q.value(13).toString();
    g.createdAt = q.value(14).toLongLong();
    g.startedAt = optionalInt(q.value(15));
    g.finishedAt = optionalInt(q.value(16));
    return g;
}

} // namespace

QString GenerationStore::assetColumns()
{
    return kAssetReadColumns;
}

GenerationStore::Asset GenerationStore::readAsset(const QSqlQuery &q)
{
    GenerationStore::Asset a;
    a.id = q.value(0).toString();
    a.userId = q.value(1).toString();
    a.generationId = q.value(2).toString();
    a.index = q.value(3).toInt();
    a.media = q.value(4).toString();
    a.mime = q.value(5).toString();
    a.width = q.value(6).toInt();
    a.height = q.value(7).toInt();
    a.durationMs = optionalInt(q.value(8));
    if (!q.value(9).isNull())
        a.fps = q.value(9).toInt();
    if (!q.value(10).isNull())
        a.frameCount = q.value(10).toInt();
    a.bytes = q.value(11).toLongLong();
    a.sha256 = q.value(12).toString();
    a.posterSha256 = q.value(13).toString();
    a.prompt = q.value(14).toString();
    a.negativePrompt = q.value(15).toString();
    a.style = q.value(16).toString();
    a.seed = q.value(17).toLongLong();
    a.provider = q.value(18).toString();
    a.model = q.value(19).toString();
    a.processedBy = q.value(20).toString();
    a.params = parseObject(q.value(21).toString());
    a.queuedMs = q.value(22).toLongLong();
    a.runMs = q.value(23).toLongLong();
    a.excludedFromTraining = q.value(24).toInt() != 0;
    a.createdAt = q.value(25).toLongLong();
    a.expiresAt = q.value(26).toLongLong();
    a.referencesUsed = QJsonDocument::fromJson(q.value(27).toString().toUtf8()).array();
    a.favourite = q.value(28).toInt() != 0;
    a.title = q.value(29).toString();
    return a;
}

namespace {

QVariant nullable(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

} // namespace

GenerationStore::GenerationStore(const Database &database)
    : m_db(database)
{ }

GenerationStore::CreateResult GenerationStore::create(const QString &userId, const GenerationRequest &request,
                                                      const std::optional<Decision> &blocked,
                                                      const QString &policyVersion, int maxActive,
                                                      std::int64_t nowMs) const
{
    WriteTransaction transaction(m_db.connection());
    QSqlQuery existing = m_db.prepare(QStringLiteral("SELECT user_id, request_body FROM generations WHERE id = ?"));
    existing.addBindValue(request.id);
    Database::exec(existing);
    if (existing.next()) {
        const bool same
            = existing.value(0).toString() == userId && existing.value(1).toString() == request.canonicalBody;
        return same ? CreateResult::Same : CreateResult::Conflict;
    }
    existing.finish();
    if (!blocked) {
        QSqlQuery active = m_db.prepare(
            QStringLiteral("SELECT COUNT(*) FROM generations WHERE user_id = ? AND state IN ('queued', 'running')"));
        active.addBindValue(userId);
        Database::exec(active);
        if (active.next() && active.value(0).toInt() >= maxActive)
            return CreateResult::TooManyJobs;
    }

    // Every automated decision is kept, allowed ones too: what was checked, when, under which policy.
    const QString decisionId = blocked ? blocked->id : QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlQuery decision = m_db.prepare(QStringLiteral(
        "INSERT INTO moderation_decisions (id, user_id, generation_id, outcome, category, reason, automated,"
        " policy_version, decided_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)"));
    decision.addBindValue(decisionId);
    decision.addBindValue(userId);
    decision.addBindValue(request.id);
    decision.addBindValue(blocked ? QStringLiteral("blocked") : QStringLiteral("allowed"));
    decision.addBindValue(blocked ? nullable(blocked->category) : nullable({}));
    decision.addBindValue(blocked ? nullable(blocked->reason) : nullable({}));
    decision.addBindValue(policyVersion);
    decision.addBindValue(qint64(nowMs));
    Database::exec(decision);

    QSqlQuery insert = m_db.prepare(QStringLiteral(
        "INSERT INTO generations (id, user_id, state, request_body, request_json, seed, provider, model, media,"
        " progress_step, progress_total, moderation_decision_id, created_at, finished_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)"));
    insert.addBindValue(request.id);
    insert.addBindValue(userId);
    insert.addBindValue(blocked ? QStringLiteral("blocked") : QStringLiteral("queued"));
    insert.addBindValue(request.canonicalBody);
    insert.addBindValue(compact(request.toJson()));
    insert.addBindValue(qint64(request.spec.seed));
    insert.addBindValue(request.provider);
    insert.addBindValue(request.spec.model);
    insert.addBindValue(request.spec.media);
    insert.addBindValue(blocked ? QVariant(decisionId) : nullable({}));
    insert.addBindValue(qint64(nowMs));
    insert.addBindValue(blocked ? QVariant(qint64(nowMs)) : QVariant(QMetaType::fromType<qint64>()));
    Database::exec(insert);
    transaction.commit();
    return CreateResult::Created;
}

std::optional<GenerationStore::Generation> GenerationStore::find(const QString &userId, const QString &id) const
{
    QSqlQuery query
        = m_db.prepare(QStringLiteral("SELECT ") + kGenerationColumns + QStringLiteral(" FROM generations WHERE id = ?")
                       + (userId.isEmpty() ? QString() : QStringLiteral(" AND user_id = ?")));
    query.addBindValue(id);
    if (!userId.isEmpty())
        query.addBindValue(userId);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    return readGeneration(query);
}

QString GenerationStore::cursorFor(const Generation &generation)
{
    return QString::fromLatin1(QStringLiteral("%1:%2")
                                   .arg(generation.createdAt)
                                   .arg(generation.id)
                                   .toLatin1()
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

static bool decodeCursor(const QString &cursor, qint64 *createdAt, QString *id)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    const QString text = QString::fromLatin1(*decoded);
    const qsizetype colon = text.indexOf(u':');
    bool ok = false;
    *createdAt = text.left(colon).toLongLong(&ok);
    *id = text.mid(colon + 1);
    return colon > 0 && ok && GenerationRequest::isUuid(*id);
}

bool GenerationStore::validCursor(const QString &cursor)
{
    qint64 createdAt = 0;
    QString id;
    return decodeCursor(cursor, &createdAt, &id);
}

std::vector<GenerationStore::Generation> GenerationStore::list(const QString &userId, int limit,
                                                               const std::optional<QString> &before) const
{
    qint64 createdAt = 0;
    QString id;
    const bool paged = before && decodeCursor(*before, &createdAt, &id);
    QSqlQuery query = m_db.prepare(
        QStringLiteral("SELECT ") + kGenerationColumns + QStringLiteral(" FROM generations WHERE user_id = ?")
        + (paged ? QStringLiteral(" AND (created_at < ? OR (created_at = ? AND id < ?))") : QString())
        + QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT ?"));
    query.addBindValue(userId);
    if (paged) {
        query.addBindValue(createdAt);
        query.addBindValue(createdAt);
        query.addBindValue(id);
    }
    query.addBindValue(limit);
    Database::exec(query);
    std::vector<Generation> items;
    while (query.next())
        items.push_back(readGeneration(query));
    return items;
}

std::vector<GenerationStore::Asset> GenerationStore::assetsOf(const QString &generationId) const
{
    QSqlQuery query = m_db.prepare(QStringLiteral("SELECT ") + kAssetReadColumns
                                   + QStringLiteral(" FROM assets WHERE generation_id = ? ORDER BY idx"));
    query.addBindValue(generationId);
    Database::exec(query);
    std::vector<Asset> assets;
    while (query.next())
        assets.push_back(readAsset(query));
    return assets;
}

std::optional<GenerationStore::Asset> GenerationStore::asset(const QString &userId, const QString &assetId) const
{
    QSqlQuery query = m_db.prepare(QStringLiteral("SELECT ") + kAssetReadColumns
                                   + QStringLiteral(" FROM assets WHERE id = ? AND user_id = ?"));
    query.addBindValue(assetId);
    query.addBindValue(userId);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    return readAsset(query);
}

std::optional<GenerationStore::Decision> GenerationStore::decision(const QString &decisionId) const
{
    QSqlQuery query = m_db.prepare(
        QStringLiteral("SELECT id, category, reason, automated, decided_at FROM moderation_decisions WHERE id = ?"));
    query.addBindValue(decisionId);
    Database::exec(query);
    if (!query.next())
        return std::nullopt;
    return Decision { query.value(0).toString(), query.value(1).toString(), query.value(2).toString(),
                      query.value(3).toInt() != 0, query.value(4).toLongLong() };
}

bool GenerationStore::markRunning(const QString &id, std::int64_t nowMs) const
{
    QSqlQuery query = m_db.prepare(
        QStringLiteral("UPDATE generations SET state = 'running', started_at = ? WHERE id = ? AND state = 'queued'"));
    query.addBindValue(qint64(nowMs));
    query.addBindValue(id);
    Database::exec(query);
    return query.numRowsAffected() == 1;
}

void GenerationStore::updateProgress(const QString &id, int step, int total) const
{
    QSqlQuery query = m_db.prepare(QStringLiteral(
        "UPDATE generations SET progress_step = ?, progress_total = ? WHERE id = ? AND state = 'running'"));
    query.addBindValue(step);
    query.addBindValue(total);
    query.addBindValue(id);
    Database::exec(query);
}

bool GenerationStore::markFailed(const QString &id, const QString &code, const QString &message,
                                 std::int64_t nowMs) const
{
    QSqlQuery query = m_db.prepare(
        QStringLiteral("UPDATE generations SET state = 'failed', error_code = ?, error_message = ?, finished_at = ?"
                       " WHERE id = ? AND state = 'running'"));
    query.addBindValue(code);
    query.addBindValue(message);
    query.addBindValue(qint64(nowMs));
    query.addBindValue(id);
    Database::exec(query);
    return query.numRowsAffected() == 1;
}

bool GenerationStore::markSucceeded(const QString &id, const std::vector<Asset> &assets, std::int64_t nowMs) const
{
    WriteTransaction transaction(m_db.connection());
    QSqlQuery update = m_db.prepare(
        QStringLiteral("UPDATE generations SET state = 'succeeded', finished_at = ?, progress_step = progress_total"
                       " WHERE id = ? AND state = 'running'"));
    update.addBindValue(qint64(nowMs));
    update.addBindValue(id);
    Database::exec(update);
    if (update.numRowsAffected() != 1)
        return false; // cancelled meanwhile: the transaction rolls back, no asset appears
    for (const Asset &a : assets) {
        QSqlQuery insert = m_db.prepare(QStringLiteral("INSERT INTO assets (") + kAssetColumns
                                        + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                                                         " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        insert.addBindValue(a.id);
        insert.addBindValue(a.userId);
        insert.addBindValue(a.generationId);
        insert.addBindValue(a.index);
        insert.addBindValue(a.media);
        insert.addBindValue(a.mime);
        insert.addBindValue(a.width);
        insert.addBindValue(a.height);
        insert.addBindValue(a.durationMs ? QVariant(qint64(*a.durationMs)) : QVariant(QMetaType::fromType<qint64>()));
        insert.addBindValue(a.fps ? QVariant(*a.fps) : QVariant(QMetaType::fromType<int>()));
        insert.addBindValue(a.frameCount ? QVariant(*a.frameCount) : QVariant(QMetaType::fromType<int>()));
        insert.addBindValue(qint64(a.bytes));
        insert.addBindValue(a.sha256);
        insert.addBindValue(nullable(a.posterSha256));
        insert.addBindValue(a.prompt);
        insert.addBindValue(a.negativePrompt);
        insert.addBindValue(a.style);
        insert.addBindValue(qint64(a.seed));
        insert.addBindValue(a.provider);
        insert.addBindValue(a.model);
        insert.addBindValue(a.processedBy);
        insert.addBindValue(compact(a.params));
        insert.addBindValue(qint64(a.queuedMs));
        insert.addBindValue(qint64(a.runMs));
        insert.addBindValue(a.excludedFromTraining ? 1 : 0);
        insert.addBindValue(qint64(a.createdAt));
        insert.addBindValue(qint64(a.expiresAt));
        insert.addBindValue(QString::fromUtf8(QJsonDocument(a.referencesUsed).toJson(QJsonDocument::Compact)));
        Database::exec(insert);
    }
    transaction.commit();
    return true;
}

GenerationStore::CancelResult GenerationStore::cancel(const QString &userId, const QString &id,
                                                      std::int64_t nowMs) const
{
    WriteTransaction transaction(m_db.connection());
    QSqlQuery update = m_db.prepare(QStringLiteral("UPDATE generations SET state = 'cancelled', finished_at = ?"
                                                   " WHERE id = ? AND user_id = ? AND state IN ('queued', 'running')"));
    update.addBindValue(qint64(nowMs));
    update.addBindValue(id);
    update.addBindValue(userId);
    Database::exec(update);
    if (update.numRowsAffected() == 1) {
        transaction.commit();
        return CancelResult::Cancelled;
    }
    return find(userId, id) ? CancelResult::NotCancellable : CancelResult::NotFound;
}

std::vector<GenerationStore::Generation> GenerationStore::recoverUnfinished(bool requeue, std::int64_t nowMs) const
{
    WriteTransaction transaction(m_db.connection());
    std::vector<Generation> jobs;
    {
        QSqlQuery select = m_db.prepare(QStringLiteral("SELECT ") + kGenerationColumns
                                        + QStringLiteral(" FROM generations WHERE state IN ('queued', 'running')"
                                                         " ORDER BY created_at, id"));
        Database::exec(select);
        while (select.next())
            jobs.push_back(readGeneration(select));
    }
    if (requeue) {
        QSqlQuery update = m_db.prepare(
            QStringLiteral("UPDATE generations SET state = 'queued', started_at = NULL, progress_step = 0"
                           " WHERE state IN ('queued', 'running')"));
        Database::exec(update);
    } else {
        QSqlQuery update = m_db.prepare(
            QStringLiteral("UPDATE generations SET state = 'failed', error_code = 'interrupted', error_message = ?,"
                           " finished_at = ? WHERE state IN ('queued', 'running')"));
        update.addBindValue(QStringLiteral("The server stopped while this job was waiting or running."));
        update.addBindValue(qint64(nowMs));
        Database::exec(update);
    }
    transaction.commit();
    return jobs;
}

QJsonObject GenerationStore::toJson(const Asset &a)
{
    const QString base = QStringLiteral("/v1/assets/") + a.id;
    return QJsonObject {
        { QStringLiteral("id"), a.id },
        { QStringLiteral("generation_id"), a.generationId },
        { QStringLiteral("index"), a.index },
        { QStringLiteral("media"), a.media },
        { QStringLiteral("mime"), a.mime },
        { QStringLiteral("width"), a.width },
        { QStringLiteral("height"), a.height },
        { QStringLiteral("duration_s"), a.durationMs ? QJsonValue(double(*a.durationMs) / 1000.0) : QJsonValue() },
        { QStringLiteral("fps"), a.fps ? QJsonValue(*a.fps) : QJsonValue() },
        { QStringLiteral("frame_count"), a.frameCount ? QJsonValue(*a.frameCount) : QJsonValue() },
        { QStringLiteral("bytes"), qint64(a.bytes) },
        { QStringLiteral("sha256"), a.sha256 },
        { QStringLiteral("prompt"), a.prompt },
        { QStringLiteral("negative_prompt"), a.negativePrompt },
        { QStringLiteral("style"), a.style },
        { QStringLiteral("seed"), qint64(a.seed) },
        { QStringLiteral("provider"), a.provider },
        { QStringLiteral("model"), a.model },
        { QStringLiteral("processed_by"), a.processedBy },
        { QStringLiteral("params"), a.params },
        { QStringLiteral("timings"),
          QJsonObject { { QStringLiteral("queued_ms"), qint64(a.queuedMs) },
                        { QStringLiteral("run_ms"), qint64(a.runMs) } } },
        { QStringLiteral("excluded_from_training"), a.excludedFromTraining },
        { QStringLiteral("created_at"), Clock::toIso(a.createdAt) },
        { QStringLiteral("expires_at"), Clock::toIso(a.expiresAt) },
        { QStringLiteral("references_used"), a.referencesUsed },
        { QStringLiteral("content_url"), QString(base + QStringLiteral("/content")) },
        { QStringLiteral("poster_url"),
          a.posterSha256.isEmpty() ? QJsonValue() : QJsonValue(QString(base + QStringLiteral("/poster"))) },
        { QStringLiteral("thumbnail_url"), QString(base + QStringLiteral("/thumbnail")) },
        { QStringLiteral("favourite"), a.favourite },
        { QStringLiteral("title"), a.title },
    };
}

QJsonObject GenerationStore::toJson(const Generation &g) const
{
    QJsonArray assets;
    if (g.state == QLatin1String("succeeded")) {
        for (const Asset &asset : assetsOf(g.id))
            assets.append(toJson(asset));
    }
    QJsonValue moderation;
    if (g.state == QLatin1String("blocked") && !g.moderationDecisionId.isEmpty()) {
        if (const auto d = decision(g.moderationDecisionId)) {
            moderation = QJsonObject { { QStringLiteral("decision_id"), d->id },
                                       { QStringLiteral("category"), d->category },
                                       { QStringLiteral("automated"), d->automated },
                                       { QStringLiteral("decided_at"), Clock::toIso(d->decidedAt) },
                                       { QStringLiteral("reason"), d->reason } };
        }
    }
    QJsonValue error;
    if (!g.errorCode.isEmpty())
        error = QJsonObject { { QStringLiteral("code"), g.errorCode }, { QStringLiteral("message"), g.errorMessage } };
    return QJsonObject {
        { QStringLiteral("id"), g.id },
        { QStringLiteral("state"), g.state },
        { QStringLiteral("request"), g.request },
        { QStringLiteral("seed"), qint64(g.seed) },
        { QStringLiteral("progress"),
          QJsonObject { { QStringLiteral("step"), g.step }, { QStringLiteral("total"), g.total } } },
        { QStringLiteral("error"), error },
        { QStringLiteral("moderation"), moderation },
        { QStringLiteral("assets"), assets },
        { QStringLiteral("created_at"), Clock::toIso(g.createdAt) },
        { QStringLiteral("started_at"), isoOrNull(g.startedAt) },
        { QStringLiteral("finished_at"), isoOrNull(g.finishedAt) },
    };
}

} // namespace pygmi::server
