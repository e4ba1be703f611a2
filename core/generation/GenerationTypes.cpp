#include "generation/GenerationTypes.h"

#include "generation/GenerationLogging.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonValue>
#include <cmath>

namespace pygmi::core {

Q_LOGGING_CATEGORY(lcGeneration, "pygmi.core.generation", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEvents, "pygmi.core.events", QtInfoMsg)

namespace {

QDateTime parseTime(const QJsonValue &value)
{
    if (!value.isString())
        return {};
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

int intOr(const QJsonObject &o, const char *key, int fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toInt(fallback) : fallback;
}

double doubleOr(const QJsonObject &o, const char *key, double fallback)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? v.toDouble(fallback) : fallback;
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

Provider Provider::fromJson(const QJsonObject &json)
{
    Provider p;
    p.id = str(json, "id");
    p.name = str(json, "name");
    p.description = str(json, "description");
    for (const QJsonValue &m : json.value(QStringLiteral("media")).toArray())
        p.media << m.toString();
    p.runsOn = str(json, "runs_on");
    p.thirdParty = json.value(QStringLiteral("third_party")).toBool(p.runsOn == u"third_party");
    p.location = str(json, "location");
    for (const QJsonValue &m : json.value(QStringLiteral("models")).toArray()) {
        const QJsonObject mo = m.toObject();
        p.models.append({ str(mo, "id"), str(mo, "name") });
    }
    const QJsonObject l = json.value(QStringLiteral("limits")).toObject();
    ProviderLimits &lim = p.limits;
    lim.promptMaxChars = intOr(l, "prompt_max_chars", lim.promptMaxChars);
    lim.negativePromptMaxChars = intOr(l, "negative_prompt_max_chars", lim.negativePromptMaxChars);
    lim.widthMin = intOr(l, "width_min", lim.widthMin);
    lim.widthMax = intOr(l, "width_max", lim.widthMax);
    lim.heightMin = intOr(l, "height_min", lim.heightMin);
    lim.heightMax = intOr(l, "height_max", lim.heightMax);
    lim.sizeMultiple = qMax(1, intOr(l, "size_multiple", lim.sizeMultiple));
    lim.countMin = intOr(l, "count_min", lim.countMin);
    lim.countMax = intOr(l, "count_max", lim.countMax);
    lim.referencesMax = intOr(l, "references_max", lim.referencesMax);
    const QJsonObject v = l.value(QStringLiteral("video")).toObject();
    lim.video.durationMinS = doubleOr(v, "duration_min_s", lim.video.durationMinS);
    lim.video.durationMaxS = doubleOr(v, "duration_max_s", lim.video.durationMaxS);
    lim.video.fpsMin = intOr(v, "fps_min", lim.video.fpsMin);
    lim.video.fpsMax = intOr(v, "fps_max", lim.video.fpsMax);
    lim.video.sideMax = intOr(v, "side_max", lim.video.sideMax);
    return p;
}

QJsonObject GenerationRequest::toJson(bool withId) const
{
    QJsonObject o;
    if (withId)
        o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("prompt"), prompt);
    o.insert(QStringLiteral("negative_prompt"), negativePrompt);
    o.insert(QStringLiteral("style"), style);
    o.insert(QStringLiteral("media"), media);
    o.insert(QStringLiteral("width"), width);
    o.insert(QStringLiteral("height"), height);
    o.insert(QStringLiteral("count"), count);
    o.insert(QStringLiteral("seed"), seed ? QJsonValue(double(*seed)) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("provider"), provider);
    o.insert(QStringLiteral("model"), model);
    if (isVideo()) {
        o.insert(QStringLiteral("duration_s"), durationS);
        o.insert(QStringLiteral("fps"), fps);
    }
    if (!references.isEmpty()) {
        QJsonArray list;
        for (const ReferenceUse &reference : references)
            list.append(QJsonObject { { QStringLiteral("id"), reference.id },
                                      { QStringLiteral("strength"), reference.strength } });
        o.insert(QStringLiteral("references"), list);
    }
    return o;
}

namespace {

QList<ReferenceUse> referencesFrom(const QJsonValue &value)
{
    QList<ReferenceUse> list;
    for (const QJsonValue &entry : value.toArray()) {
        const QJsonObject o = entry.toObject();
        list.append({ o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("strength")).toDouble(0.6),
                      o.value(QStringLiteral("sha256")).toString() });
    }
    return list;
}

} // namespace

GenerationRequest GenerationRequest::fromJson(const QJsonObject &json)
{
    GenerationRequest r;
    r.id = str(json, "id");
    r.prompt = str(json, "prompt");
    r.negativePrompt = str(json, "negative_prompt");
    r.style = str(json, "style");
    r.media = json.value(QStringLiteral("media")).toString(QStringLiteral("image"));
    r.width = intOr(json, "width", r.width);
    r.height = intOr(json, "height", r.height);
    r.count = intOr(json, "count", r.count);
    const QJsonValue seed = json.value(QStringLiteral("seed"));
    if (seed.isDouble())
        r.seed = qint64(seed.toDouble());
    r.provider = str(json, "provider");
    r.model = str(json, "model");
    r.durationS = doubleOr(json, "duration_s", r.durationS);
    r.fps = intOr(json, "fps", r.fps);
    r.references = referencesFrom(json.value(QStringLiteral("references")));
    return r;
}

bool GenerationRequest::sameParameters(const GenerationRequest &other) const
{
    return toJson(false) == other.toJson(false);
}

Asset Asset::fromJson(const QJsonObject &json)
{
    Asset a;
    a.json = json;
    a.id = str(json, "id");
    a.generationId = str(json, "generation_id");
    a.index = intOr(json, "index", 0);
    a.media = str(json, "media");
    a.mime = str(json, "mime");
    a.width = intOr(json, "width", 0);
    a.height = intOr(json, "height", 0);
    a.durationS = doubleOr(json, "duration_s", 0);
    a.fps = doubleOr(json, "fps", 0);
    a.frameCount = intOr(json, "frame_count", 0);
    a.bytes = qint64(doubleOr(json, "bytes", 0));
    a.sha256 = str(json, "sha256").toLower();
    a.contentUrl = str(json, "content_url");
    if (a.contentUrl.isEmpty() && !a.id.isEmpty())
        a.contentUrl = QStringLiteral("/v1/assets/%1/content").arg(a.id);
    a.posterUrl = str(json, "poster_url");
    a.thumbnailUrl = str(json, "thumbnail_url");
    if (a.thumbnailUrl.isEmpty() && !a.id.isEmpty())
        a.thumbnailUrl = QStringLiteral("/v1/assets/%1/thumbnail").arg(a.id);
    a.favourite = json.value(QStringLiteral("favourite")).toBool(false);
    a.title = str(json, "title");
    a.processedBy = str(json, "processed_by");
    a.excludedFromTraining = json.value(QStringLiteral("excluded_from_training")).toBool(true);
    a.createdAt = parseTime(json.value(QStringLiteral("created_at")));
    a.expiresAt = parseTime(json.value(QStringLiteral("expires_at")));
    QJsonObject params = json.value(QStringLiteral("params")).toObject();
    // The asset repeats the parameters at the top level; fill what params may lack.
    for (const char *key : { "prompt", "negative_prompt", "style", "seed", "provider", "model" }) {
        const QString k = QLatin1String(key);
        if (!params.contains(k) && json.contains(k))
            params.insert(k, json.value(k));
    }
    if (!params.contains(QStringLiteral("media")))
        params.insert(QStringLiteral("media"), a.media);
    a.params = GenerationRequest::fromJson(params);
    a.params.id.clear();
    a.referencesUsed = referencesFrom(json.value(QStringLiteral("references_used")));
    return a;
}

Generation::State Generation::stateFromString(const QString &text)
{
    if (text == u"running")
        return State::Running;
    if (text == u"succeeded")
        return State::Succeeded;
    if (text == u"failed")
        return State::Failed;
    if (text == u"cancelled")
        return State::Cancelled;
    if (text == u"blocked")
        return State::Blocked;
    return State::Queued;
}

QString Generation::stateToString(State state)
{
    switch (state) {
    case State::Queued:
        return QStringLiteral("queued");
    case State::Running:
        return QStringLiteral("running");
    case State::Succeeded:
        return QStringLiteral("succeeded");
    case State::Failed:
        return QStringLiteral("failed");
    case State::Cancelled:
        return QStringLiteral("cancelled");
    case State::Blocked:
        return QStringLiteral("blocked");
    }
    return {};
}

Generation Generation::fromJson(const QJsonObject &json)
{
    Generation g;
    g.id = str(json, "id");
    g.state = stateFromString(str(json, "state"));
    g.request = GenerationRequest::fromJson(json.value(QStringLiteral("request")).toObject());
    if (g.request.id.isEmpty())
        g.request.id = g.id;
    const QJsonValue seed = json.value(QStringLiteral("seed"));
    g.seed = seed.isDouble() ? qint64(seed.toDouble()) : g.request.seed.value_or(0);
    const QJsonObject progress = json.value(QStringLiteral("progress")).toObject();
    g.step = intOr(progress, "step", 0);
    g.total = intOr(progress, "total", 0);
    const QJsonObject error = json.value(QStringLiteral("error")).toObject();
    g.errorCode = str(error, "code");
    g.errorMessage = str(error, "message");
    const QJsonValue mod = json.value(QStringLiteral("moderation"));
    if (mod.isObject()) {
        const QJsonObject m = mod.toObject();
        Moderation moderation;
        moderation.decisionId = str(m, "decision_id");
        moderation.category = str(m, "category");
        moderation.automated = m.value(QStringLiteral("automated")).toBool(true);
        moderation.decidedAt = parseTime(m.value(QStringLiteral("decided_at")));
        moderation.reason = str(m, "reason");
        g.moderation = moderation;
    }
    for (const QJsonValue &a : json.value(QStringLiteral("assets")).toArray())
        g.assets.append(Asset::fromJson(a.toObject()));
    g.createdAt = parseTime(json.value(QStringLiteral("created_at")));
    g.startedAt = parseTime(json.value(QStringLiteral("started_at")));
    g.finishedAt = parseTime(json.value(QStringLiteral("finished_at")));
    return g;
}

QString generationFailureText(const QString &code, const QString &serverMessage)
{
    Q_UNUSED(serverMessage) // English text for logs; the user gets a translated sentence
    const auto tr = [](const char *text) { return QCoreApplication::translate("pygmi::core::Generation", text); };
    if (code == u"interrupted")
        return tr("The server stopped while this was being made. Retry to make it again.");
    if (code == u"provider_error")
        return tr("The generator could not make this. Retry, or change the prompt or settings.");
    if (code == u"provider_unavailable")
        return tr("The generator is not available right now. Try again later or pick another one.");
    if (code == u"timeout")
        return tr("This took too long and was stopped. Retry, perhaps with a smaller size.");
    if (code == u"expired")
        return tr("This result has expired and was removed from the server.");
    return tr("Something went wrong while making this. Retry; if it keeps failing, tell the server's "
              "administrator.");
}

} // namespace pygmi::core
