#pragma once

#include <cstdint>
#include <vector>

namespace pygmi::server {

struct Rgb
{
    float r = 0;
    float g = 0;
    float b = 0;

    static Rgb fromHsv(float hueDegrees, float saturation, float value);
    Rgb mix(const Rgb &other, float t) const;
    Rgb scaled(float factor) const { return { r * factor, g * factor, b * factor }; }
};

// A floating-point RGB raster with the few anti-aliased primitives the sketch engine draws with.
// No Qt Gui on the server: everything is plain arithmetic, so the same inputs give the same bytes.
class SketchCanvas
{
public:
    SketchCanvas(int width, int height);

    int width() const { return m_width; }
    int height() const { return m_height; }

    void verticalGradient(const Rgb &top, const Rgb &bottom);
    // Soft radial light: adds `color` with a falloff reaching zero at `radius`.
    void glow(float cx, float cy, float radius, const Rgb &color, float strength);
    void disc(float cx, float cy, float radius, const Rgb &color, float alpha, float softness = 1.0f);
    void ring(float cx, float cy, float radius, float thickness, const Rgb &color, float alpha);
    // Convex polygon (points in order), anti-aliased edges.
    void convexPolygon(const std::vector<float> &xy, const Rgb &color, float alpha);
    void rect(float x0, float y0, float x1, float y1, const Rgb &color, float alpha);
    // Fills below a per-column height profile (one value per column) with a vertical gradient.
    void ridge(const std::vector<float> &topY, const Rgb &top, const Rgb &bottom, float alpha);
    // Horizontal wavy bands between y0 and y1 (water, dunes, silk).
    void waves(float y0, float y1, float phase, float frequency, const Rgb &light, const Rgb &dark, float alpha);
    void grain(std::uint64_t seed, float amount);
    void vignette(float strength);
    // Mixes a picture (packed RGB24, scaled to cover the canvas, centred) over the canvas with
    // `alpha` in [0, 1]: how a reference lends its colours and shapes to the sketch.
    void blendImage(const std::vector<std::uint8_t> &rgb, int width, int height, float alpha);

    // 8-bit RGB, row-major, no padding.
    std::vector<std::uint8_t> toRgb8() const;

private:
    void blend(int x, int y, const Rgb &color, float alpha);

    int m_width;
    int m_height;
    std::vector<Rgb> m_pixels;
};

} // namespace pygmi::server
