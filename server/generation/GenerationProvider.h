#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <memory>
#include <vector>

namespace pygmi::server {

// A reference picture that guides a generation, already decoded (RGB24, small) by the server.
struct ReferenceInput
{
    QString id;
    QString sha256;
    double strength = 0.5; // 0: no influence .. 1: as strong as the provider allows
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> rgb;
};

// What a provider is asked to make (already validated against GenerationLimits).
struct GenerationSpec
{
    QString prompt;
    QString negativePrompt;
    QString style;
    QString media; // "image" | "video"
    QString model;
    int width = 0;
    int height = 0;
    int count = 1;
    std::uint64_t seed = 0;
    double durationS = 0; // video only
    int fps = 0; // video only
    std::vector<ReferenceInput> references; // in the order the request listed them
};

// One finished output: an image (PNG) or a video (WebM) with its poster (PNG).
struct ProviderOutput
{
    QString media;
    QString mime;
    int width = 0;
    int height = 0;
    double durationS = 0;
    int fps = 0;
    int frameCount = 0;
    QByteArray bytes;
    QByteArray posterPng;
};

struct ProviderResult
{
    enum class Outcome { Succeeded, Failed, Cancelled } outcome = Outcome::Failed;
    QString errorCode; // e.g. "provider_error"
    QString errorMessage; // plain words for the user; never the prompt
    std::vector<ProviderOutput> outputs;
};

// How a running job reports back. Called on the thread that runs the job.
class ProviderCallbacks
{
public:
    virtual ~ProviderCallbacks() = default;
    virtual void progress(int step, int total) = 0;
    // True when a preview would be shown now (rate-limited), so providers only encode those.
    virtual bool wantsPreview() = 0;
    virtual void preview(int step, const QByteArray &jpeg, int width, int height) = 0;
};

// A submitted job. result() blocks the generation worker until the job ends; cancel() may be
// called from any thread and must make result() return promptly with Outcome::Cancelled.
class ProviderRun
{
public:
    virtual ~ProviderRun() = default;
    virtual ProviderResult result() = 0;
    virtual void cancel() = 0;
};

struct ProviderModel
{
    QString id;
    QString name;
};

struct ProviderInfo
{
    QString id;
    QString name;
    QString description;
    QStringList media;
    bool thirdParty = false;
    QString location; // where it runs, in words for the user
    std::vector<ProviderModel> models;
};

// One generation back end (the built-in sketch engine now; remote engines later).
class GenerationProvider
{
public:
    virtual ~GenerationProvider() = default;
    virtual ProviderInfo info() const = 0;
    virtual std::unique_ptr<ProviderRun> submit(const GenerationSpec &spec, ProviderCallbacks &callbacks) = 0;
};

} // namespace pygmi::server
