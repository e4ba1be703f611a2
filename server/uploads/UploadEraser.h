#pragma once

#include "privacy/AccountEraser.h"

namespace pygmi::server {

class UploadEndpoints;

// The uploads area of account deletion and "delete all my content": unfinished uploads (rows and
// partial files) and references (rows, blobs and thumbnails no other row uses), through the
// uploads code's own deletion.
class UploadEraser : public AccountEraser
{
public:
    explicit UploadEraser(UploadEndpoints &uploads);

    QString area() const override { return QStringLiteral("references"); }
    void erase(const QString &userId, ErasureReport &report) override;

private:
    UploadEndpoints &m_uploads;
};

} // namespace pygmi::server
