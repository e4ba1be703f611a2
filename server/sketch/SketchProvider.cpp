#include "SketchProvider.h"

#include "MediaEncoder.h"
#include "SketchCanvas.h"
#include "SketchScene.h"

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>

namespace pygmi::server {

namespace {

class SketchRun : public ProviderRun
{
public:
    SketchRun(GenerationSpec spec, ProviderCallbacks &callbacks, std::chrono::milliseconds stepDelay)
        : m_spec(std::move(spec))
        , m_callbacks(callbacks)
        , m_stepDelay(stepDelay)
    { }

    void cancel() override
    {
        {
            std::lock_guard lock(m_mutex);
            m_cancelled = true;
        }
        m_wake.notify_all();
    }

    ProviderResult result() override
    {
        ProviderResult result;
        const bool video = m_spec.media == QLatin1String("video");
        const int frames = video ? std::max(1, int(std::lround(m_spec.durationS * m_spec.fps))) : 0;
        const int perOutput = video ? frames : SketchProvider::kImageSteps;
        m_total = perOutput * m_spec.count;
        for (int index = 0; index < m_spec.count; ++index) {
            ProviderOutput output = video ? renderVideo(index, frames) : renderImage(index);
            if (cancelled()) {
                result.outcome = ProviderResult::Outcome::Cancelled;
                return result;
            }
            if (output.bytes.isEmpty()) {
                result.errorCode = QStringLiteral("provider_error");
                result.errorMessage = QStringLiteral("The sketch engine could not encode the result.");
                return result;
            }
            result.outputs.push_back(std::move(output));
        }
        result.outcome = ProviderResult::Outcome::Succeeded;
        return result;
    }

private:
    bool cancelled()
    {
        std::lock_guard lock(m_mutex);
        return m_cancelled;
    }

    // Waits out the configured step delay, waking at once on cancel. False when cancelled.
    bool pause(std::chrono::milliseconds delay)
    {
        std::unique_lock lock(m_mutex);
        if (delay.count() > 0)
            m_wake.wait_for(lock, delay, [this] { return m_cancelled; });
        return !m_cancelled;
    }

    // References guide the sketch like img2img: each lends its colours and shapes, mixed over the
    // drawn scene in proportion to its strength (0 changes nothing).
    void applyReferences(SketchCanvas &canvas) const
    {
        for (const ReferenceInput &reference : m_spec.references)
            canvas.blendImage(reference.rgb, reference.width, reference.height,
                              float(reference.strength) * SketchProvider::kReferenceWeight);
    }

    SketchCanvas guided(const SketchCanvas &canvas) const
    {
        SketchCanvas out = canvas;
        applyReferences(out);
        return out;
    }

    void step(const SketchCanvas &drawn, bool alreadyGuided = false)
    {
        ++m_step;
        m_callbacks.progress(m_step, m_total);
        if (m_callbacks.wantsPreview()) {
            const SketchCanvas canvas = m_spec.references.empty() || alreadyGuided ? drawn : guided(drawn);
            int w = 0, h = 0;
            const QByteArray jpeg = MediaEncoder::jpegPreview(canvas.toRgb8(), canvas.width(), canvas.height(),
                                                              SketchProvider::kPreviewMaxSide, &w, &h);
            if (!jpeg.isEmpty())
                m_callbacks.preview(m_step, jpeg, w, h);
        }
    }

    ProviderOutput renderImage(int index)
    {
        ProviderOutput output;
        const SketchScene scene(m_spec.prompt, m_spec.style, m_spec.seed, index, m_spec.width, m_spec.height);
        SketchCanvas canvas(m_spec.width, m_spec.height);
        const int layers = scene.layerCount();
        for (int s = 0; s < SketchProvider::kImageSteps; ++s) {
            // Spread the layers over the steps; later steps may add nothing new but still count.
            const int from = layers * s / SketchProvider::kImageSteps;
            const int to = layers * (s + 1) / SketchProvider::kImageSteps;
            scene.paint(canvas, from, to, 0.0f);
            if (!pause(m_stepDelay))
                return output;
            step(canvas);
        }
        output.media = QStringLiteral("image");
        output.mime = QStringLiteral("image/png");
        output.width = m_spec.width;
        output.height = m_spec.height;
        applyReferences(canvas);
        output.bytes = MediaEncoder::png(canvas.toRgb8(), m_spec.width, m_spec.height);
        return output;
    }

    ProviderOutput renderVideo(int index, int frames)
    {
        ProviderOutput output;
        const SketchScene scene(m_spec.prompt, m_spec.style, m_spec.seed, index, m_spec.width, m_spec.height);
        WebmWriter writer;
        if (!writer.open(m_spec.width, m_spec.height, m_spec.fps))
            return output;
        for (int f = 0; f < frames; ++f) {
            SketchCanvas canvas(m_spec.width, m_spec.height);
            scene.paint(canvas, 0, scene.layerCount(), float(f) / float(frames));
            applyReferences(canvas);
            const std::vector<std::uint8_t> rgb = canvas.toRgb8();
            if (f == 0)
                output.posterPng = MediaEncoder::png(rgb, m_spec.width, m_spec.height);
            if (!writer.addFrame(rgb))
                return output;
            // Video frames are many: each waits a quarter of an image step.
            if (!pause(m_stepDelay / 4))
                return output;
            step(canvas, true);
        }
        output.media = QStringLiteral("video");
        output.mime = QStringLiteral("video/webm");
        output.width = m_spec.width;
        output.height = m_spec.height;
        output.fps = m_spec.fps;
        output.frameCount = frames;
        output.durationS = double(frames) / double(m_spec.fps);
        output.bytes = writer.finish();
        return output;
    }

    GenerationSpec m_spec;
    ProviderCallbacks &m_callbacks;
    std::chrono::milliseconds m_stepDelay;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_cancelled = false;
    int m_step = 0;
    int m_total = 0;
};

} // namespace

SketchProvider::SketchProvider(QString location, std::chrono::milliseconds stepDelay)
    : m_location(std::move(location))
    , m_stepDelay(stepDelay)
{ }

ProviderInfo SketchProvider::info() const
{
    ProviderInfo info;
    info.id = QStringLiteral("sketch");
    info.name = QStringLiteral("Sketch (offline)");
    info.description = QStringLiteral("Draws procedural images and videos from the words of the prompt on this "
                                      "server. It is not an AI model.");
    info.media = { QStringLiteral("image"), QStringLiteral("video") };
    info.thirdParty = false;
    info.location = m_location;
    info.models = { { QStringLiteral("sketch-1"), QStringLiteral("Sketch 1") } };
    return info;
}

std::unique_ptr<ProviderRun> SketchProvider::submit(const GenerationSpec &spec, ProviderCallbacks &callbacks)
{
    return std::make_unique<SketchRun>(spec, callbacks, m_stepDelay);
}

} // namespace pygmi::server
