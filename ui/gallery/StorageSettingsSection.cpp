#include "gallery/StorageSettingsSection.h"

#include "common/MessageBox.h"
#include "gallery/GalleryCache.h"
#include "generation/AssetCache.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

qint64 folderSize(const QString &path)
{
    qint64 total = 0;
    QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        it.next();
        total += it.fileInfo().size();
    }
    return total;
}

} // namespace

StorageSettingsSection::StorageSettingsSection(core::GalleryCache *cache, core::AssetCache *assets, QWidget *parent)
    : QGroupBox(tr("Storage"), parent)
    , m_cache(cache)
    , m_assets(assets)
{
    setObjectName(QStringLiteral("storageSettingsSection"));
    setAccessibleName(tr("Storage"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("The gallery keeps thumbnails and pages on this computer so it opens fast and works "
                                "offline, and keeps originals you opened. Clearing them deletes nothing on the "
                                "server."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_usage = new QLabel(this);
    m_usage->setObjectName(QStringLiteral("storageUsageLabel"));
    m_usage->setAccessibleName(tr("Cache size"));
    m_usage->setWordWrap(true);
    form->addRow(tr("Cache size"), m_usage);
    m_cap = new QSpinBox(this);
    m_cap->setObjectName(QStringLiteral("storageCapSpin"));
    m_cap->setAccessibleName(tr("Thumbnail cache limit in megabytes"));
    m_cap->setRange(16, 100000);
    m_cap->setSingleStep(64);
    m_cap->setSuffix(tr(" MB"));
    m_cap->setValue(int(m_cache->capBytes() / (1024 * 1024)));
    form->addRow(tr("Thumbnail cache limit"), m_cap);
    layout->addLayout(form);
    m_clear = new QPushButton(tr("Clear cache"), this);
    m_clear->setObjectName(QStringLiteral("storageClearButton"));
    m_clear->setAccessibleName(tr("Clear cache"));
    layout->addWidget(m_clear, 0, Qt::AlignLeft);

    connect(m_cap, &QSpinBox::editingFinished, this, [this] {
        m_cache->setCapBytes(qint64(m_cap->value()) * 1024 * 1024);
        refresh();
    });
    connect(m_clear, &QPushButton::clicked, this, &StorageSettingsSection::clearCache);
    connect(m_cache, &core::GalleryCache::sizeChanged, this, &StorageSettingsSection::refresh);
    refresh();
}

void StorageSettingsSection::showEvent(QShowEvent *event)
{
    QGroupBox::showEvent(event);
    refresh();
}

void StorageSettingsSection::refresh()
{
    const QLocale locale;
    const qint64 gallery = m_cache->totalBytes();
    const qint64 originals = m_assets ? folderSize(m_assets->directory()) : 0;
    m_usage->setText(tr("%1 in all: thumbnails and pages %2 (limit %3), originals %4")
                         .arg(locale.formattedDataSize(gallery + originals), locale.formattedDataSize(gallery),
                              locale.formattedDataSize(m_cache->capBytes()), locale.formattedDataSize(originals)));
}

void StorageSettingsSection::clearCache()
{
    const auto answer = MessageBox::question(
        this, tr("Clear cache?"),
        tr("Delete the thumbnails, pages and originals kept on this computer? Your creations stay on the server; the "
           "gallery will download thumbnails again, and show nothing while offline until it has."),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    m_cache->clear();
    if (m_assets) {
        QDir folder(m_assets->directory());
        for (const QFileInfo &entry : folder.entryInfoList(QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot)) {
            if (entry.isDir())
                QDir(entry.filePath()).removeRecursively();
            else
                QFile::remove(entry.filePath());
        }
    }
    refresh();
}

} // namespace pygmi::ui
