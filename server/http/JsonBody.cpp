#include "JsonBody.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <cmath>

namespace pygmi::server {

bool JsonBody::isValidUtf8(const std::string &bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const auto *end = p + bytes.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra = 0;
        char32_t cp = 0;
        char32_t min = 0;
        if ((c & 0xE0) == 0xC0) {
            extra = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and values past Unicode are not UTF-8.
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += extra + 1;
    }
    return true;
}

std::optional<HttpResponse> JsonBody::parseObject(const std::string &body, QJsonObject &object)
{
    if (!isValidUtf8(body))
        return ApiError::badRequest(QStringLiteral("The request body is not valid UTF-8."));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(body), &error);
    if (error.error != QJsonParseError::NoError)
        return ApiError::badRequest(QStringLiteral("The request body is not valid JSON."));
    if (!document.isObject())
        return ApiError::badRequest(QStringLiteral("The request body must be a JSON object."));
    object = document.object();
    return std::nullopt;
}

JsonBody::JsonBody(QJsonObject object)
    : m_object(std::move(object))
{ }

std::optional<QString> JsonBody::string(const QString &name, bool required)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            fail(name, QStringLiteral("required"));
        return std::nullopt;
    }
    if (!value.isString()) {
        fail(name, QStringLiteral("wrong_type"));
        return std::nullopt;
    }
    return value.toString();
}

std::optional<qint64> JsonBody::integer(const QString &name, bool required)
{
    const QJsonValue value = m_object.value(name);
    if (value.isUndefined() || value.isNull()) {
        if (required)
            fail(name, QStringLiteral("required"));
        return std::nullopt;
    }
    if (!value.isDouble()) {
        fail(name, QStringLiteral("wrong_type"));
        return std::nullopt;
    }
    const double number = value.toDouble();
    if (std::floor(number) != number || std::fabs(number) > 9.0e15) {
        fail(name, QStringLiteral("invalid"));
        return std::nullopt;
    }
    return static_cast<qint64>(number);
}

void JsonBody::fail(const QString &field, const QString &code)
{
    if (!m_errors.contains(field))
        m_errors.insert(field, code);
}

} // namespace pygmi::server
