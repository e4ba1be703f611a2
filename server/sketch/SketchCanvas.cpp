#include "SketchCanvas.h"

#include <algorithm>
#include <cmath>

namespace pygmi::server {

namespace {

float clamp01(float v)
{
    return std::clamp(v, 0.0f, 1.0f);
}

float smoothstep(float edge0, float edge1, float x)
{
    const float t = clamp01((x - edge0) / (edge1 - edge0));
    return t * t * (3.0f - 2.0f * t);
}

std::uint64_t mixBits(std::uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

} // namespace

Rgb Rgb::fromHsv(float hueDegrees, float saturation, float value)
{
    float h = std::fmod(hueDegrees, 360.0f);
    if (h < 0)
        h += 360.0f;
    const float s = clamp01(saturation);
    const float v = clamp01(value);
    const float c = v * s;
    const float x = c * (1.0f - std::fabs(std::fmod(h / 60.0f, 2.0f) - 1.0f));
    const float m = v - c;
    float r = 0, g = 0, b = 0;
    if (h < 60)
        r = c, g = x;
    else if (h < 120)
        r = x, g = c;
    else if (h < 180)
        g = c, b = x;
    else if (h < 240)
        g = x, b = c;
    else if (h < 300)
        r = x, b = c;
    else
        r = c, b = x;
    return { r + m, g + m, b + m };
}

Rgb Rgb::mix(const Rgb &other, float t) const
{
    return { r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t };
}

SketchCanvas::SketchCanvas(int width, int height)
    : m_width(width)
    , m_height(height)
    , m_pixels(static_cast<std::size_t>(width) * height)
{ }

void SketchCanvas::blend(int x, int y, const Rgb &color, float alpha)
{
    Rgb &p = m_pixels[static_cast<std::size_t>(y) * m_width + x];
    p.r += (color.r - p.r) * alpha;
    p.g += (color.g - p.g) * alpha;
    p.b += (color.b - p.b) * alpha;
}

void SketchCanvas::verticalGradient(const Rgb &top, const Rgb &bottom)
{
    for (int y = 0; y < m_height; ++y) {
        const float t = m_height > 1 ? float(y) / float(m_height - 1) : 0.0f;
        const Rgb row = top.mix(bottom, t * t * (3.0f - 2.0f * t));
        std::fill_n(m_pixels.begin() + static_cast<std::ptrdiff_t>(y) * m_width, m_width, row);
    }
}

void SketchCanvas::glow(float cx, float cy, float radius, const Rgb &color, float strength)
{
    const int x0 = std::max(0, int(cx - radius)), x1 = std::min(m_width - 1, int(cx + radius) + 1);
    const int y0 = std::max(0, int(cy - radius)), y1 = std::min(m_height - 1, int(cy + radius) + 1);
    const float inv = 1.0f / (radius * radius);
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
            const float d = 1.0f - (dx * dx + dy * dy) * inv;
            if (d <= 0)
                continue;
            const float k = strength * d * d;
            Rgb &p = m_pixels[static_cast<std::size_t>(y) * m_width + x];
            p.r += color.r * k;
            p.g += color.g * k;
            p.b += color.b * k;
        }
    }
}

void SketchCanvas::disc(float cx, float cy, float radius, const Rgb &color, float alpha, float softness)
{
    const float reach = radius + softness + 1;
    const int x0 = std::max(0, int(cx - reach)), x1 = std::min(m_width - 1, int(cx + reach));
    const int y0 = std::max(0, int(cy - reach)), y1 = std::min(m_height - 1, int(cy + reach));
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
            const float d = std::sqrt(dx * dx + dy * dy) - radius;
            const float coverage = 1.0f - smoothstep(-softness, softness, d);
            if (coverage > 0)
                blend(x, y, color, alpha * coverage);
        }
    }
}

void SketchCanvas::ring(float cx, float cy, float radius, float thickness, const Rgb &color, float alpha)
{
    const float reach = radius + thickness + 2;
    const int x0 = std::max(0, int(cx - reach)), x1 = std::min(m_width - 1, int(cx + reach));
    const int y0 = std::max(0, int(cy - reach)), y1 = std::min(m_height - 1, int(cy + reach));
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
            const float d = std::fabs(std::sqrt(dx * dx + dy * dy) - radius) - thickness * 0.5f;
            const float coverage = 1.0f - smoothstep(-0.75f, 0.75f, d);
            if (coverage > 0)
                blend(x, y, color, alpha * coverage);
        }
    }
}

void SketchCanvas::convexPolygon(const std::vector<float> &xy, const Rgb &color, float alpha)
{
    const std::size_t n = xy.size() / 2;
    if (n < 3)
        return;
    float minX = xy[0], maxX = xy[0], minY = xy[1], maxY = xy[1];
    double area = 0;
    for (std::size_t i = 0; i < n; ++i) {
        minX = std::min(minX, xy[2 * i]);
        maxX = std::max(maxX, xy[2 * i]);
        minY = std::min(minY, xy[2 * i + 1]);
        maxY = std::max(maxY, xy[2 * i + 1]);
        const std::size_t j = (i + 1) % n;
        area += double(xy[2 * i]) * xy[2 * j + 1] - double(xy[2 * j]) * xy[2 * i + 1];
    }
    const float orientation = area >= 0 ? 1.0f : -1.0f;
    // Edge normals, so a pixel's signed distance to the polygon is the largest edge distance.
    std::vector<float> edges; // nx, ny, c per edge
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t j = (i + 1) % n;
        const float ex = xy[2 * j] - xy[2 * i], ey = xy[2 * j + 1] - xy[2 * i + 1];
        const float length = std::sqrt(ex * ex + ey * ey);
        if (length <= 0)
            continue;
        const float nx = orientation * ey / length, ny = -orientation * ex / length;
        edges.insert(edges.end(), { nx, ny, -(nx * xy[2 * i] + ny * xy[2 * i + 1]) });
    }
    const int x0 = std::max(0, int(minX) - 1), x1 = std::min(m_width - 1, int(maxX) + 1);
    const int y0 = std::max(0, int(minY) - 1), y1 = std::min(m_height - 1, int(maxY) + 1);
    for (int y = y0; y <= y1; ++y) {
        for (int x = x0; x <= x1; ++x) {
            float d = -1e9f;
            for (std::size_t e = 0; e < edges.size(); e += 3)
                d = std::max(d, edges[e] * (x + 0.5f) + edges[e + 1] * (y + 0.5f) + edges[e + 2]);
            const float coverage = clamp01(0.5f - d);
            if (coverage > 0)
                blend(x, y, color, alpha * coverage);
        }
    }
}

void SketchCanvas::rect(float x0, float y0, float x1, float y1, const Rgb &color, float alpha)
{
    convexPolygon({ x0, y0, x1, y0, x1, y1, x0, y1 }, color, alpha);
}

void SketchCanvas::ridge(const std::vector<float> &topY, const Rgb &top, const Rgb &bottom, float alpha)
{
    for (int x = 0; x < m_width && x < int(topY.size()); ++x) {
        const float edge = topY[x];
        const int start = std::max(0, int(std::floor(edge)));
        for (int y = start; y < m_height; ++y) {
            const float coverage = clamp01(y + 1.0f - edge);
            const float t = clamp01((y - edge) / std::max(1.0f, float(m_height) - edge));
            blend(x, y, top.mix(bottom, t), alpha * coverage);
        }
    }
}

void SketchCanvas::waves(float y0, float y1, float phase, float frequency, const Rgb &light, const Rgb &dark,
                         float alpha)
{
    const int from = std::max(0, int(y0)), to = std::min(m_height - 1, int(y1));
    for (int y = from; y <= to; ++y) {
        const float depth = (y - y0) / std::max(1.0f, y1 - y0); // 0 at the horizon
        // Waves get larger and slower towards the viewer, like perspective on water.
        const float scale = 0.25f + depth * 2.0f;
        // Nearer the horizon the water mirrors more of the (light) sky.
        const Rgb rowBase = dark.mix(light, 0.35f * (1.0f - depth) * (1.0f - depth));
        const float rowPhase = std::sin(y * 0.23f / scale) * 1.3f;
        for (int x = 0; x < m_width; ++x) {
            const float u = float(x) / float(m_width);
            const float w = 0.6f * std::sin((u * frequency / scale + phase) * 6.2831853f + rowPhase)
                + 0.4f * std::sin((u * frequency * 2.3f / scale - phase * 1.3f) * 6.2831853f + y * 0.11f);
            const float shimmer = smoothstep(0.72f, 1.0f, w) * (1.0f - depth * 0.7f) * 0.75f;
            blend(x, y, rowBase.mix(light, shimmer), alpha);
        }
    }
}

void SketchCanvas::grain(std::uint64_t seed, float amount)
{
    for (int y = 0; y < m_height; ++y) {
        for (int x = 0; x < m_width; ++x) {
            const std::uint64_t h = mixBits(seed ^ (std::uint64_t(y) << 32 | std::uint32_t(x)));
            const float n = (float(h & 0xffff) / 65535.0f - 0.5f) * amount;
            Rgb &p = m_pixels[static_cast<std::size_t>(y) * m_width + x];
            p.r += n;
            p.g += n;
            p.b += n;
        }
    }
}

void SketchCanvas::vignette(float strength)
{
    const float cx = m_width * 0.5f, cy = m_height * 0.5f;
    const float inv = 1.0f / (cx * cx + cy * cy);
    for (int y = 0; y < m_height; ++y) {
        for (int x = 0; x < m_width; ++x) {
            const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
            const float k = 1.0f - strength * smoothstep(0.25f, 1.0f, (dx * dx + dy * dy) * inv);
            Rgb &p = m_pixels[static_cast<std::size_t>(y) * m_width + x];
            p = p.scaled(k);
        }
    }
}

void SketchCanvas::blendImage(const std::vector<std::uint8_t> &rgb, int width, int height, float alpha)
{
    alpha = clamp01(alpha);
    if (alpha <= 0.0f || width <= 0 || height <= 0 || rgb.size() < std::size_t(width) * height * 3)
        return;
    // Cover: scale so the picture fills the canvas, cropping the longer side evenly.
    const float scale = std::max(float(m_width) / float(width), float(m_height) / float(height));
    const float offsetX = (float(width) * scale - float(m_width)) / 2.0f;
    const float offsetY = (float(height) * scale - float(m_height)) / 2.0f;
    const auto at = [&](int x, int y, int c) {
        x = std::clamp(x, 0, width - 1);
        y = std::clamp(y, 0, height - 1);
        return float(rgb[(std::size_t(y) * width + x) * 3 + c]) / 255.0f;
    };
    for (int y = 0; y < m_height; ++y) {
        const float sy = (float(y) + 0.5f + offsetY) / scale - 0.5f;
        const int y0 = int(std::floor(sy));
        const float fy = sy - float(y0);
        for (int x = 0; x < m_width; ++x) {
            const float sx = (float(x) + 0.5f + offsetX) / scale - 0.5f;
            const int x0 = int(std::floor(sx));
            const float fx = sx - float(x0);
            float sample[3];
            for (int c = 0; c < 3; ++c) {
                const float top = at(x0, y0, c) * (1 - fx) + at(x0 + 1, y0, c) * fx;
                const float bottom = at(x0, y0 + 1, c) * (1 - fx) + at(x0 + 1, y0 + 1, c) * fx;
                sample[c] = top * (1 - fy) + bottom * fy;
            }
            Rgb &p = m_pixels[std::size_t(y) * m_width + x];
            p = p.mix(Rgb { sample[0], sample[1], sample[2] }, alpha);
        }
    }
}

std::vector<std::uint8_t> SketchCanvas::toRgb8() const
{
    std::vector<std::uint8_t> out(m_pixels.size() * 3);
    for (std::size_t i = 0; i < m_pixels.size(); ++i) {
        out[3 * i] = static_cast<std::uint8_t>(std::lround(clamp01(m_pixels[i].r) * 255.0f));
        out[3 * i + 1] = static_cast<std::uint8_t>(std::lround(clamp01(m_pixels[i].g) * 255.0f));
        out[3 * i + 2] = static_cast<std::uint8_t>(std::lround(clamp01(m_pixels[i].b) * 255.0f));
    }
    return out;
}

} // namespace pygmi::server
