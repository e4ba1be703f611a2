#include "gallery/AssetDetailPanel.h"

#include "gallery/GalleryDelegate.h"
#include "gallery/ThumbnailPipeline.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QGuiApplication>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {
constexpr int kPreviewSide = 512;

QString parameterText(const core::Asset &asset)
{
    const core::GenerationRequest &p = asset.params;
    QStringList parts;
    parts << QObject::tr("%1 × %2 px").arg(asset.width).arg(asset.height);
    if (asset.isVideo())
        parts << QObject::tr("%1 s at %2 fps").arg(QLocale().toString(asset.durationS, 'f', 1)).arg(asset.fps);
    if (!p.style.isEmpty())
        parts << QObject::tr("style %1").arg(p.style);
    if (p.count > 1)
        parts << QObject::tr("%n result(s) per run", nullptr, p.count);
    parts << QObject::tr("result %1 of its run").arg(asset.index + 1);
    return parts.join(QStringLiteral(" · "));
}
} // namespace

AssetDetailPanel::AssetDetailPanel(ThumbnailPipeline *thumbnails, QWidget *parent)
    : QWidget(parent)
    , m_thumbnails(thumbnails)
{
    setObjectName(QStringLiteral("galleryDetailPanel"));
    setAccessibleName(tr("Details of the selected creation"));
    setMinimumWidth(240);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("galleryDetailScroll"));
    scroll->setAccessibleName(tr("Details"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // everything wraps to the panel's width
    outer->addWidget(scroll);
    auto *content = new QWidget(scroll);
    scroll->setWidget(content);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 12, 12, 12);

    m_heading = new QLabel(tr("Select a creation to see its details."), content);
    m_heading->setObjectName(QStringLiteral("galleryDetailHeading"));
    m_heading->setWordWrap(true);
    layout->addWidget(m_heading);

    m_preview = new QLabel(content);
    m_preview->setObjectName(QStringLiteral("galleryDetailPreview"));
    m_preview->setAccessibleName(tr("Preview"));
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumHeight(220);
    m_preview->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_preview);

    m_details = new QWidget(content);
    auto *details = new QVBoxLayout(m_details);
    details->setContentsMargins(0, 0, 0, 0);
    auto *actions = new QGridLayout;
    const auto button = [&](const QString &text, const QString &name, int row, int column) {
        auto *b = new QPushButton(text, m_details);
        b->setObjectName(name);
        b->setAccessibleName(text);
        actions->addWidget(b, row, column);
        return b;
    };
    m_favourite = button(tr("Favourite"), QStringLiteral("detailFavouriteButton"), 0, 0);
    m_favourite->setCheckable(true);
    m_open = button(tr("Open in viewer"), QStringLiteral("detailOpenButton"), 0, 1);
    m_remix = button(tr("Remix"), QStringLiteral("detailRemixButton"), 1, 0);
    m_copy = button(tr("Copy prompt"), QStringLiteral("detailCopyPromptButton"), 1, 1);
    m_download = button(tr("Download…"), QStringLiteral("detailDownloadButton"), 2, 0);
    m_delete = button(tr("Delete…"), QStringLiteral("detailDeleteButton"), 2, 1);
    m_remix->setToolTip(tr("Load this prompt and its settings into Create"));
    details->addLayout(actions);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::WrapAllRows); // labels above values: the panel is narrow
    m_prompt = addRow(tr("Prompt"), QStringLiteral("detailPrompt"));
    m_negative = addRow(tr("Negative prompt"), QStringLiteral("detailNegativePrompt"));
    m_parameters = addRow(tr("Parameters"), QStringLiteral("detailParameters"));
    m_seed = addRow(tr("Seed"), QStringLiteral("detailSeed"));
    m_model = addRow(tr("Provider and model"), QStringLiteral("detailModel"));
    m_processedBy = addRow(tr("Processed by"), QStringLiteral("detailProcessedBy"));
    m_created = addRow(tr("Created"), QStringLiteral("detailCreated"));
    m_deleted = addRow(tr("Deleted from the server"), QStringLiteral("detailDeleted"));
    m_size = addRow(tr("Size"), QStringLiteral("detailSize"));
    m_sha = new QLineEdit(m_details);
    m_sha->setObjectName(QStringLiteral("detailSha256"));
    m_sha->setAccessibleName(tr("SHA-256"));
    m_sha->setReadOnly(true);
    m_sha->setFrame(false);
    m_sha->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_form->addRow(tr("SHA-256"), m_sha);
    if (auto *name = qobject_cast<QLabel *>(m_form->labelForField(m_sha))) {
        QFont font = name->font();
        font.setWeight(QFont::DemiBold);
        name->setFont(font);
    }
    m_references = addRow(tr("References used"), QStringLiteral("detailReferences"));
    m_training = addRow(tr("Model training"), QStringLiteral("detailTraining"));
    details->addLayout(m_form);
    layout->addWidget(m_details);
    layout->addStretch(1);

    connect(m_favourite, &QPushButton::clicked, this,
            [this](bool checked) { Q_EMIT favouriteRequested(m_asset, checked); });
    connect(m_download, &QPushButton::clicked, this, [this] { Q_EMIT downloadRequested(m_asset); });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_asset.params.prompt);
        m_copy->setText(tr("Copied"));
    });
    connect(m_remix, &QPushButton::clicked, this, [this] { Q_EMIT remixRequested(m_asset); });
    connect(m_open, &QPushButton::clicked, this, [this] { Q_EMIT openRequested(m_asset); });
    connect(m_delete, &QPushButton::clicked, this, [this] { Q_EMIT deleteRequested(m_asset); });
    connect(m_thumbnails, &ThumbnailPipeline::thumbnailReady, this, [this](const QString &key) {
        if (hasAsset() && key == ThumbnailPipeline::keyFor(m_asset, kPreviewSide))
            updatePreview();
    });
    clear();
}

QLabel *AssetDetailPanel::addRow(const QString &label, const QString &objectName)
{
    auto *value = new QLabel(m_details);
    value->setObjectName(objectName);
    value->setAccessibleName(label);
    value->setWordWrap(true);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_form->addRow(label, value);
    if (auto *name = qobject_cast<QLabel *>(m_form->labelForField(value))) {
        QFont font = name->font();
        font.setWeight(QFont::DemiBold); // names stand apart from the values under them
        name->setFont(font);
    }
    return value;
}

void AssetDetailPanel::clear()
{
    m_asset = {};
    m_heading->setText(tr("Select a creation to see its details."));
    m_heading->show();
    m_preview->clear();
    m_preview->hide();
    m_details->hide();
}

void AssetDetailPanel::showSelectionCount(int count)
{
    m_asset = {};
    m_heading->setText(tr("%n creation(s) selected. Use the bar above the grid to favourite, download or delete "
                          "them together.",
                          nullptr, count));
    m_heading->show();
    m_preview->hide();
    m_details->hide();
}

void AssetDetailPanel::setActionsEnabled(bool enabled)
{
    // Offline: what needs the server is unavailable; copying the prompt and remixing still work.
    for (QPushButton *b : { m_favourite, m_delete })
        b->setEnabled(enabled);
}

void AssetDetailPanel::showAsset(const core::Asset &asset)
{
    const bool same = asset.id == m_asset.id;
    m_asset = asset;
    const QString name = asset.title.isEmpty() ? asset.params.prompt.section(u' ', 0, 7) : asset.title;
    m_heading->setText(asset.isVideo() ? tr("Video: %1").arg(name) : tr("Image: %1").arg(name));
    m_heading->show();
    m_preview->show();
    m_details->show();
    const QLocale locale;
    const core::GenerationRequest &p = asset.params;
    m_prompt->setText(p.prompt.isEmpty() ? tr("(none)") : p.prompt);
    m_negative->setText(p.negativePrompt.isEmpty() ? tr("(none)") : p.negativePrompt);
    m_parameters->setText(parameterText(asset));
    m_seed->setText(p.seed ? QString::number(*p.seed) : tr("(unknown)"));
    m_model->setText(tr("%1 · %2").arg(p.provider, p.model));
    m_processedBy->setText(asset.processedBy);
    m_created->setText(locale.toString(asset.createdAt.toLocalTime(), QLocale::LongFormat));
    bool urgent = false;
    const QString left = GalleryDelegate::retentionText(asset.expiresAt, QDateTime::currentDateTimeUtc(), &urgent);
    m_deleted->setText(tr("%1 (%2). Download it to keep it longer.")
                           .arg(locale.toString(asset.expiresAt.toLocalTime(), QLocale::LongFormat), left));
    m_deleted->setStyleSheet(urgent ? QStringLiteral("color: #c62828; font-weight: 600;") : QString());
    m_size->setText(tr("%1 (%2)").arg(locale.formattedDataSize(asset.bytes), asset.mime));
    m_sha->setText(asset.sha256);
    m_sha->setCursorPosition(0);
    const QJsonArray references
        = asset.json.value(QStringLiteral("params")).toObject().value(QStringLiteral("references")).toArray();
    QStringList referenceNames;
    for (const QJsonValue &reference : references)
        referenceNames << (reference.isObject() ? reference.toObject().value(QStringLiteral("name")).toString()
                                                : reference.toString());
    m_references->setText(referenceNames.isEmpty() ? tr("None") : referenceNames.join(QStringLiteral(", ")));
    m_training->setText(asset.excludedFromTraining ? tr("Never used to train models")
                                                   : tr("May be used to train models (you opted in)"));
    m_favourite->setChecked(asset.favourite);
    m_favourite->setText(asset.favourite ? tr("★ Favourite") : tr("Favourite"));
    m_favourite->setAccessibleName(asset.favourite ? tr("Remove from favourites") : tr("Add to favourites"));
    if (!same)
        m_copy->setText(tr("Copy prompt"));
    updatePreview();
}

void AssetDetailPanel::updatePreview()
{
    const QImage image = m_thumbnails->image(m_asset, kPreviewSide);
    if (image.isNull()) {
        if (m_preview->pixmap().isNull())
            m_preview->setText(tr("Loading preview…"));
        return;
    }
    const int width = std::max(200, m_details->width());
    const qreal dpr = devicePixelRatioF();
    QPixmap pixmap
        = QPixmap::fromImage(image).scaled(QSize(width, 360) * dpr, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    pixmap.setDevicePixelRatio(dpr);
    m_preview->setPixmap(pixmap);
}

} // namespace pygmi::ui
