#pragma once

#include "ApiError.h"
#include "HttpResponse.h"

#include <QJsonObject>
#include <QString>
#include <optional>
#include <string>

namespace pygmi::server {

// Reads a JSON request body and its fields with the contract's error rules: bytes that are not
// UTF-8, not JSON or not an object are a 400; a field of the wrong JSON type is 422 wrong_type;
// a missing required field is 422 required. Errors are collected so one answer names them all.
class JsonBody
{
public:
    // Fills `object`, or returns the 400 answer to send.
    static std::optional<HttpResponse> parseObject(const std::string &body, QJsonObject &object);
    static bool isValidUtf8(const std::string &bytes);

    explicit JsonBody(QJsonObject object);

    // A string field; nullopt when absent/null (recording `required` if so) or of another type.
    std::optional<QString> string(const QString &name, bool required = true);
    // An integral number field.
    std::optional<qint64> integer(const QString &name, bool required = true);

    // Records the first error for a field; later ones for the same field are ignored.
    void fail(const QString &field, const QString &code);
    bool hasErrors() const { return !m_errors.isEmpty(); }
    bool hasError(const QString &field) const { return m_errors.contains(field); }
    const ApiError::FieldErrors &errors() const { return m_errors; }

private:
    QJsonObject m_object;
    ApiError::FieldErrors m_errors;
};

} // namespace pygmi::server
