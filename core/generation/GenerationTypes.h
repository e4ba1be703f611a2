#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace pygmi::core {

// The shapes of docs/api/openapi.yaml (Create), parsed once so the rest of the client works
// with typed values. toJson() writes exactly the request keys the server validates.

struct VideoLimits
{
    double durationMinS = 1;
    double durationMaxS = 10;
    int fpsMin = 12;
    int fpsMax = 30;
    int sideMax = 1280;
};

struct ProviderLimits
{
    int promptMaxChars = 2000;
    int negativePromptMaxChars = 1000;
    int widthMin = 64;
    int widthMax = 2048;
    int heightMin = 64;
    int heightMax = 2048;
    int sizeMultiple = 8;
    int countMin = 1;
    int countMax = 4;
    int referencesMax = 0; // reference images per job; 0 when the provider takes none
    VideoLimits video;
};

struct ProviderModel
{
    QString id;
    QString name;
};

struct Provider
{
    QString id;
    QString name;
    QString description;
    QStringList media; // "image", "video"
    QString runsOn; // "this_server" | "third_party"
    bool thirdParty = false;
    QString location;
    QList<ProviderModel> models;
    ProviderLimits limits;

    bool supports(const QString &mediaKind) const { return media.contains(mediaKind); }
    static Provider fromJson(const QJsonObject &json);
};

// A reference file that guides a generation, and how strongly (0..1).
struct ReferenceUse
{
    QString id;
    double strength = 0.6;
    QString sha256; // in an asset's references_used: which bytes were used

    bool operator==(const ReferenceUse &other) const { return id == other.id && strength == other.strength; }
};

struct GenerationRequest
{
    QString id; // client-made UUID: the idempotency key of the submission
    QString prompt;
    QString negativePrompt;
    QString style;
    QString media = QStringLiteral("image");
    int width = 1024;
    int height = 1024;
    int count = 1;
    std::optional<qint64> seed; // empty = the server picks one
    QString provider;
    QString model;
    double durationS = 4;
    int fps = 24;
    QList<ReferenceUse> references;

    bool isVideo() const { return media == u"video"; }
    // The request body; the id is included only when `withId`.
    QJsonObject toJson(bool withId = true) const;
    static GenerationRequest fromJson(const QJsonObject &json);
    // Same parameters (ignores the id): a resubmission of an unchanged form reuses the id.
    bool sameParameters(const GenerationRequest &other) const;
};

struct Moderation
{
    QString decisionId;
    QString category;
    bool automated = true;
    QDateTime decidedAt;
    QString reason;
};

struct Asset
{
    QString id;
    QString generationId;
    int index = 0;
    QString media;
    QString mime;
    int width = 0;
    int height = 0;
    double durationS = 0;
    double fps = 0;
    int frameCount = 0;
    qint64 bytes = 0;
    QString sha256;
    QString contentUrl;
    QString posterUrl;
    QString processedBy;
    bool excludedFromTraining = true;
    QDateTime createdAt;
    QDateTime expiresAt;
    QString thumbnailUrl; // "/v1/assets/{id}/thumbnail" (?size=128|256|512)
    bool favourite = false; // gallery fields
    QString title;
    GenerationRequest params; // the request that made it, with its seed
    QList<ReferenceUse> referencesUsed; // what guided it, with the exact bytes (sha256)
    QJsonObject json; // as received (for embedding metadata on save)

    bool isVideo() const { return media == u"video"; }
    static Asset fromJson(const QJsonObject &json);
};

struct Generation
{
    enum class State { Queued, Running, Succeeded, Failed, Cancelled, Blocked };

    QString id;
    State state = State::Queued;
    GenerationRequest request;
    qint64 seed = 0;
    int step = 0;
    int total = 0;
    QString errorCode;
    QString errorMessage;
    std::optional<Moderation> moderation;
    QList<Asset> assets;
    QDateTime createdAt;
    QDateTime startedAt;
    QDateTime finishedAt;

    bool isFinal() const { return isFinalState(state); }
    static bool isFinalState(State state)
    {
        return state == State::Succeeded || state == State::Failed || state == State::Cancelled
            || state == State::Blocked;
    }
    static State stateFromString(const QString &text);
    static QString stateToString(State state);
    static Generation fromJson(const QJsonObject &json);
};

// Plain-language reason for a failed job, from its error code (translated).
QString generationFailureText(const QString &code, const QString &serverMessage);

} // namespace pygmi::core

Q_DECLARE_METATYPE(pygmi::core::Generation)
Q_DECLARE_METATYPE(pygmi::core::Asset)
