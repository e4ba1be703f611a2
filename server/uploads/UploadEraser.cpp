#include "UploadEraser.h"

#include "UploadEndpoints.h"

namespace pygmi::server {

UploadEraser::UploadEraser(UploadEndpoints &uploads)
    : m_uploads(uploads)
{ }

void UploadEraser::erase(const QString &userId, ErasureReport &report)
{
    const UploadEndpoints::Erased erased = m_uploads.eraseUser(userId);
    if (erased.uploads > 0)
        report.rows[QStringLiteral("uploads")] += erased.uploads;
    if (erased.references > 0)
        report.rows[QStringLiteral("reference_files")] += erased.references;
    report.files += erased.files;
}

} // namespace pygmi::server
