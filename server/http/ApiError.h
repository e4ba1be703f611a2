#pragma once

#include "HttpResponse.h"

#include <QMap>
#include <QString>

namespace pygmi::server {

// Error answers in the contract's shape: {"error":{"code","message","fields"?,"retry_after"?}}.
// Codes are stable and machine-readable; messages are plain English for logs and developers.
class ApiError
{
public:
    using FieldErrors = QMap<QString, QString>;

    static HttpResponse make(int status, const QString &code, const QString &message);
    static HttpResponse validation(const FieldErrors &fields);
    static HttpResponse rateLimited(int retryAfterSeconds);

    static HttpResponse badRequest(const QString &message = QStringLiteral("The request body is not a JSON object."));
    static HttpResponse unauthorized();
    static HttpResponse notFound();
    static HttpResponse methodNotAllowed(const std::string &allow);
    static HttpResponse payloadTooLarge();
    static HttpResponse headersTooLarge();
    static HttpResponse unsupportedMediaType();
    static HttpResponse notAvailable();
    static HttpResponse internalError();
};

} // namespace pygmi::server
