#include "ApiError.h"

#include <QJsonObject>

namespace pygmi::server {

HttpResponse ApiError::make(int status, const QString &code, const QString &message)
{
    QJsonObject error { { QStringLiteral("code"), code }, { QStringLiteral("message"), message } };
    return HttpResponse::json(status, QJsonObject { { QStringLiteral("error"), error } });
}

HttpResponse ApiError::validation(const FieldErrors &fields)
{
    QJsonObject fieldObject;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        fieldObject.insert(it.key(), it.value());
    QJsonObject error { { QStringLiteral("code"), QStringLiteral("validation_failed") },
                        { QStringLiteral("message"), QStringLiteral("Some fields are missing or not valid.") },
                        { QStringLiteral("fields"), fieldObject } };
    return HttpResponse::json(422, QJsonObject { { QStringLiteral("error"), error } });
}

HttpResponse ApiError::rateLimited(int retryAfterSeconds)
{
    const int seconds = std::max(1, retryAfterSeconds);
    QJsonObject error { { QStringLiteral("code"), QStringLiteral("rate_limited") },
                        { QStringLiteral("message"), QStringLiteral("Too many attempts. Try again later.") },
                        { QStringLiteral("retry_after"), seconds } };
    HttpResponse response = HttpResponse::json(429, QJsonObject { { QStringLiteral("error"), error } });
    response.headers.emplace_back("Retry-After", std::to_string(seconds));
    return response;
}

HttpResponse ApiError::badRequest(const QString &message)
{
    return make(400, QStringLiteral("bad_request"), message);
}

HttpResponse ApiError::unauthorized()
{
    HttpResponse response
        = make(401, QStringLiteral("unauthorized"), QStringLiteral("A valid bearer access token is required."));
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
}

HttpResponse ApiError::notFound()
{
    return make(404, QStringLiteral("not_found"), QStringLiteral("There is nothing at this address."));
}

HttpResponse ApiError::methodNotAllowed(const std::string &allow)
{
    HttpResponse response
        = make(405, QStringLiteral("method_not_allowed"), QStringLiteral("This method is not allowed here."));
    response.headers.emplace_back("Allow", allow);
    return response;
}

HttpResponse ApiError::payloadTooLarge()
{
    return make(413, QStringLiteral("payload_too_large"), QStringLiteral("The request body is too large."));
}

HttpResponse ApiError::headersTooLarge()
{
    return make(431, QStringLiteral("headers_too_large"), QStringLiteral("The request headers are too large."));
}

HttpResponse ApiError::unsupportedMediaType()
{
    return make(415, QStringLiteral("unsupported_media_type"),
                QStringLiteral("This endpoint expects Content-Type: application/json."));
}

HttpResponse ApiError::notAvailable()
{
    return make(403, QStringLiteral("not_available"), QStringLiteral("This is not available on this server."));
}

HttpResponse ApiError::internalError()
{
    return make(500, QStringLiteral("internal_error"), QStringLiteral("Something went wrong on the server."));
}

} // namespace pygmi::server
