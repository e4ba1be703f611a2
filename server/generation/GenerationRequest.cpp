#include "GenerationRequest.h"

#include "ProviderRegistry.h"
#include "http/JsonBody.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <algorithm>

namespace pygmi::server {

namespace {

const QString kRequired = QStringLiteral("required");
const QString kWrongType = QStringLiteral("wrong_type");
const QString kTooLong = QStringLiteral("too_long");
const QString kOutOfRange = QStringLiteral("out_of_range");
const QString kNotMultiple = QStringLiteral("not_multiple");
const QString kUnknown = QStringLiteral("unknown");
const QString kInvalid = QStringLiteral("invalid");

qsizetype characters(const QString &text)
{
    return text.toUcs4().size();
}

} // namespace

QJsonObject GenerationLimits::toJson()
{
    return QJsonObject {
        { QStringLiteral("prompt_max_chars"), kPromptMaxChars },
        { QStringLiteral("negative_prompt_max_chars"), kNegativePromptMaxChars },
        { QStringLiteral("width_min"), kSideMin },
        { QStringLiteral("width_max"), kSideMax },
        { QStringLiteral("height_min"), kSideMin },
        { QStringLiteral("height_max"), kSideMax },
        { QStringLiteral("size_multiple"), kSizeMultiple },
        { QStringLiteral("count_min"), kCountMin },
        { QStringLiteral("count_max"), kCountMax },
        { QStringLiteral("references_max"), kReferencesMax },
        { QStringLiteral("video"),
          QJsonObject { { QStringLiteral("duration_min_s"), kDurationMinS },
                        { QStringLiteral("duration_max_s"), kDurationMaxS },
                        { QStringLiteral("fps_min"), kFpsMin },
                        { QStringLiteral("fps_max"), kFpsMax },
                        { QStringLiteral("side_max"), kVideoSideMax } } },
    };
}

bool GenerationRequest::isUuid(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return pattern.match(text).hasMatch();
}

bool GenerationRequest::parse(const QJsonObject &body, const ProviderRegistry &providers, GenerationRequest *request,
                              ApiError::FieldErrors *errors)
{
    JsonBody fields(body);
    GenerationRequest out;
    out.canonicalBody = QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact));

    if (const auto id = fields.string(QStringLiteral("id"))) {
        if (!isUuid(*id))
            fields.fail(QStringLiteral("id"), kInvalid);
        out.id = id->toLower();
    }
    if (const auto prompt = fields.string(QStringLiteral("prompt"))) {
        out.spec.prompt = prompt->trimmed();
        if (out.spec.prompt.isEmpty())
            fields.fail(QStringLiteral("prompt"), kRequired);
        else if (characters(out.spec.prompt) > GenerationLimits::kPromptMaxChars)
            fields.fail(QStringLiteral("prompt"), kTooLong);
    }
    if (const auto negative = fields.string(QStringLiteral("negative_prompt"), false)) {
        out.spec.negativePrompt = negative->trimmed();
        if (characters(out.spec.negativePrompt) > GenerationLimits::kNegativePromptMaxChars)
            fields.fail(QStringLiteral("negative_prompt"), kTooLong);
    }
    if (const auto style = fields.string(QStringLiteral("style"), false)) {
        out.spec.style = style->trimmed();
        if (characters(out.spec.style) > GenerationLimits::kStyleMaxChars)
            fields.fail(QStringLiteral("style"), kTooLong);
    }
    out.spec.media = QStringLiteral("image");
    if (const auto media = fields.string(QStringLiteral("media"), false)) {
        if (*media != QLatin1String("image") && *media != QLatin1String("video"))
            fields.fail(QStringLiteral("media"), kInvalid);
        else
            out.spec.media = *media;
    }
    const bool video = out.spec.media == QLatin1String("video");

    out.provider = QStringLiteral("sketch");
    if (const auto provider = fields.string(QStringLiteral("provider"), false))
        out.provider = *provider;
    GenerationProvider *provider = providers.find(out.provider);
    if (!provider) {
        fields.fail(QStringLiteral("provider"), kUnknown);
    } else {
        const ProviderInfo info = provider->info();
        out.spec.model = info.models.empty() ? QString() : info.models.front().id;
        if (const auto model = fields.string(QStringLiteral("model"), false)) {
            out.spec.model = *model;
            const bool known = std::any_of(info.models.begin(), info.models.end(),
                                           [&](const ProviderModel &m) { return m.id == *model; });
            if (!known)
                fields.fail(QStringLiteral("model"), kUnknown);
        }
        if (!fields.hasError(QStringLiteral("media")) && !info.media.contains(out.spec.media))
            fields.fail(QStringLiteral("media"), QStringLiteral("not_supported"));
    }

    const int sideMax = video ? GenerationLimits::kVideoSideMax : GenerationLimits::kSideMax;
    const auto side = [&](const QString &name, int fallback) {
        const QJsonValue raw = body.value(name);
        if (raw.isUndefined() || raw.isNull())
            return fallback;
        const auto value = fields.integer(name, false);
        if (!value)
            return fallback;
        if (*value < GenerationLimits::kSideMin || *value > sideMax)
            fields.fail(name, kOutOfRange);
        else if (*value % GenerationLimits::kSizeMultiple != 0)
            fields.fail(name, kNotMultiple);
        return static_cast<int>(std::clamp<qint64>(*value, 0, sideMax));
    };
    out.spec.width = side(QStringLiteral("width"), video ? 640 : 1024);
    out.spec.height = side(QStringLiteral("height"), video ? 360 : 1024);

    out.spec.count = 1;
    if (const auto count = fields.integer(QStringLiteral("count"), false)) {
        if (*count < GenerationLimits::kCountMin || *count > GenerationLimits::kCountMax)
            fields.fail(QStringLiteral("count"), kOutOfRange);
        else
            out.spec.count = static_cast<int>(*count);
    }
    if (const auto seed = fields.integer(QStringLiteral("seed"), false)) {
        if (*seed < 0 || *seed > GenerationLimits::kSeedMax) {
            fields.fail(QStringLiteral("seed"), kOutOfRange);
        } else {
            out.spec.seed = static_cast<std::uint64_t>(*seed);
            out.seedGiven = true;
        }
    }

    if (video) {
        out.spec.durationS = 4;
        const QJsonValue duration = body.value(QStringLiteral("duration_s"));
        if (!duration.isUndefined() && !duration.isNull()) {
            if (!duration.isDouble())
                fields.fail(QStringLiteral("duration_s"), kWrongType);
            else if (duration.toDouble() < GenerationLimits::kDurationMinS
                     || duration.toDouble() > GenerationLimits::kDurationMaxS)
                fields.fail(QStringLiteral("duration_s"), kOutOfRange);
            else
                out.spec.durationS = duration.toDouble();
        }
        out.spec.fps = 24;
        if (const auto fps = fields.integer(QStringLiteral("fps"), false)) {
            if (*fps < GenerationLimits::kFpsMin || *fps > GenerationLimits::kFpsMax)
                fields.fail(QStringLiteral("fps"), kOutOfRange);
            else
                out.spec.fps = static_cast<int>(*fps);
        }
    }

    const QJsonValue references = body.value(QStringLiteral("references"));
    if (!references.isUndefined() && !references.isNull()) {
        const QString key = QStringLiteral("references");
        if (!references.isArray()) {
            fields.fail(key, kWrongType);
        } else if (references.toArray().size() > GenerationLimits::kReferencesMax) {
            fields.fail(key, kOutOfRange);
        } else {
            QStringList seen;
            for (const QJsonValue &entry : references.toArray()) {
                const QJsonObject item = entry.toObject();
                const QString id = item.value(QStringLiteral("id")).toString().toLower();
                const QJsonValue strength = item.value(QStringLiteral("strength"));
                if (!entry.isObject() || !isUuid(id) || seen.contains(id)) {
                    fields.fail(key, kInvalid);
                    break;
                }
                if (!strength.isUndefined() && !strength.isNull()
                    && (!strength.isDouble() || strength.toDouble() < 0.0 || strength.toDouble() > 1.0)) {
                    fields.fail(key, kOutOfRange);
                    break;
                }
                seen.append(id);
                out.references.append(QJsonObject {
                    { QStringLiteral("id"), id },
                    { QStringLiteral("strength"),
                      strength.isDouble() ? strength.toDouble() : GenerationLimits::kDefaultReferenceStrength } });
            }
        }
    }

    if (fields.hasErrors()) {
        *errors = fields.errors();
        return false;
    }
    *request = std::move(out);
    return true;
}

QJsonObject GenerationRequest::toJson(bool withId) const
{
    QJsonObject json {
        { QStringLiteral("prompt"), spec.prompt }, { QStringLiteral("negative_prompt"), spec.negativePrompt },
        { QStringLiteral("style"), spec.style },   { QStringLiteral("media"), spec.media },
        { QStringLiteral("width"), spec.width },   { QStringLiteral("height"), spec.height },
        { QStringLiteral("count"), spec.count },   { QStringLiteral("seed"), qint64(spec.seed) },
        { QStringLiteral("provider"), provider },  { QStringLiteral("model"), spec.model }
    };
    if (withId)
        json.insert(QStringLiteral("id"), id);
    if (spec.media == QLatin1String("video")) {
        json.insert(QStringLiteral("duration_s"), spec.durationS);
        json.insert(QStringLiteral("fps"), spec.fps);
    }
    if (!references.isEmpty())
        json.insert(QStringLiteral("references"), references);
    return json;
}

} // namespace pygmi::server
