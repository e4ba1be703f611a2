#pragma once

#include "GenerationProvider.h"
#include "http/ApiError.h"

#include <QJsonArray>
#include <QJsonObject>
#include <optional>

namespace pygmi::server {

class ProviderRegistry;

// The contract's limits for every provider (GET /v1/providers repeats them).
struct GenerationLimits
{
    static constexpr int kPromptMaxChars = 2000;
    static constexpr int kNegativePromptMaxChars = 1000;
    static constexpr int kStyleMaxChars = 64;
    static constexpr int kSideMin = 64;
    static constexpr int kSideMax = 2048;
    static constexpr int kSizeMultiple = 8;
    static constexpr int kCountMin = 1;
    static constexpr int kCountMax = 4;
    static constexpr double kDurationMinS = 1;
    static constexpr double kDurationMaxS = 10;
    static constexpr int kFpsMin = 12;
    static constexpr int kFpsMax = 30;
    static constexpr int kVideoSideMax = 1280;
    static constexpr std::int64_t kSeedMax = (std::int64_t(1) << 53) - 1;
    static constexpr int kReferencesMax = 4;
    static constexpr double kDefaultReferenceStrength = 0.6;

    static QJsonObject toJson();
};

// POST /v1/generations' body, checked. Field errors are named exactly as the request keys.
struct GenerationRequest
{
    QString id; // lower case
    QString provider;
    GenerationSpec spec;
    bool seedGiven = false;
    QString canonicalBody; // the body as sent, in a stable form: same body → same text
    QJsonArray references; // [{"id","strength"}], normalised; empty when none

    // Fills `request` or `errors`. The seed stays 0 with seedGiven false when the client left it out.
    static bool parse(const QJsonObject &body, const ProviderRegistry &providers, GenerationRequest *request,
                      ApiError::FieldErrors *errors);
    // The request as the API returns it (with the resolved seed), without "id" when `withId` is false.
    QJsonObject toJson(bool withId = true) const;
    static bool isUuid(const QString &text);
};

} // namespace pygmi::server
