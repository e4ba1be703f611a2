#pragma once

#include <QJsonObject>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pygmi::server {

// What a handler answers; HttpSession turns it into bytes on the wire.
struct HttpResponse
{
    int status = 200;
    std::string contentType = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Set for answers after which the connection state is unknown (e.g. body not read).
    bool closeConnection = false;
    // Instead of `body`: bytes [fileOffset, fileOffset + fileLength) of this file, streamed from
    // disk (large downloads such as export archives are never read into memory).
    std::string filePath;
    std::uint64_t fileOffset = 0;
    std::uint64_t fileLength = 0;

    static HttpResponse json(int status, const QJsonObject &object);
    static HttpResponse noContent();
};

} // namespace pygmi::server
