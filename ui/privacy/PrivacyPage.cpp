#include "privacy/PrivacyPage.h"

#include "common/Banner.h"
#include "common/FileDialog.h"
#include "common/MessageBox.h"
#include "privacy/DeleteAccountDialog.h"
#include "privacy/ExportDownload.h"
#include "privacy/PrivacyService.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

QString when(const QJsonValue &iso)
{
    const QDateTime at = QDateTime::fromString(iso.toString(), Qt::ISODate);
    if (!at.isValid())
        return QStringLiteral("—");
    return QLocale().toString(at.toLocalTime(), QLocale::ShortFormat);
}

QString day(const QJsonValue &iso)
{
    const QDateTime at = QDateTime::fromString(iso.toString(), Qt::ISODate);
    return at.isValid() ? QLocale().toString(at.toLocalTime().date(), QLocale::ShortFormat) : QStringLiteral("—");
}

QString statusText(const QString &status)
{
    if (status == u"submitted")
        return PrivacyPage::tr("Submitted");
    if (status == u"needs_verification")
        return PrivacyPage::tr("Needs verification");
    if (status == u"in_progress")
        return PrivacyPage::tr("In progress");
    if (status == u"awaiting_user_input")
        return PrivacyPage::tr("Awaiting your input");
    if (status == u"completed")
        return PrivacyPage::tr("Completed");
    if (status == u"denied")
        return PrivacyPage::tr("Denied");
    if (status == u"cancelled")
        return PrivacyPage::tr("Cancelled");
    if (status == u"expired")
        return PrivacyPage::tr("Expired");
    return status;
}

QString typeText(const QString &type)
{
    if (type == u"access")
        return PrivacyPage::tr("Access");
    if (type == u"export")
        return PrivacyPage::tr("Download of my data");
    if (type == u"rectification")
        return PrivacyPage::tr("Correction");
    if (type == u"erasure")
        return PrivacyPage::tr("Account deletion");
    if (type == u"restriction")
        return PrivacyPage::tr("Restriction of processing");
    if (type == u"objection")
        return PrivacyPage::tr("Objection");
    if (type == u"sale_share_opt_out")
        return PrivacyPage::tr("Do not sell or share");
    if (type == u"human_review")
        return PrivacyPage::tr("Human review");
    return type;
}

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QGroupBox *section(const QString &objectName, const QString &title, QWidget *parent)
{
    auto *box = new QGroupBox(title, parent);
    box->setObjectName(objectName);
    box->setAccessibleName(title);
    return box;
}

template<typename T> T *named(T *widget, const char *objectName, const QString &accessibleName)
{
    widget->setObjectName(QString::fromLatin1(objectName));
    widget->setAccessibleName(accessibleName);
    return widget;
}

QLabel *note(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    label->setOpenExternalLinks(true);
    return label;
}

} // namespace

PrivacyPage::PrivacyPage(core::PrivacyService *privacy, QWidget *parent)
    : QWidget(parent)
    , m_privacy(privacy)
    , m_download(privacy->download())
{
    setObjectName(QStringLiteral("privacyPage"));
    setAccessibleName(tr("Privacy"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_deletionBanner = new Banner(QStringLiteral("privacyDeletionBanner"), this);
    m_restrictionBanner = new Banner(QStringLiteral("privacyRestrictionBanner"), this);
    m_messageBanner = new Banner(QStringLiteral("privacyMessageBanner"), this);
    m_messageBanner->setDismissible(true);
    for (Banner *banner : { m_deletionBanner, m_restrictionBanner, m_messageBanner }) {
        banner->hide();
        outer->addWidget(banner);
    }
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("privacyScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(24, 16, 24, 24);
    layout->setSpacing(16);
    auto *title = new QLabel(tr("Privacy"), content);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    title->setFont(big);
    layout->addWidget(title);
    layout->addWidget(
        note(tr("What this server holds about you, and each of your rights, carried out from here."), content));
    for (QWidget *part :
         { buildHoldings(), buildExport(), buildCorrect(), buildDelete(), buildRestrict(), buildTraining(),
           buildRequests(), buildDecisions(), buildSessions(), buildProcessors(), buildContact() }) {
        part->setParent(content);
        layout->addWidget(part);
    }
    layout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    connect(m_privacy, &core::PrivacyService::summaryChanged, this, &PrivacyPage::showSummary);
    connect(m_privacy, &core::PrivacyService::requestsChanged, this, &PrivacyPage::showRequests);
    connect(m_privacy, &core::PrivacyService::sessionsChanged, this, &PrivacyPage::showSessions);
    connect(m_privacy, &core::PrivacyService::decisionsChanged, this, &PrivacyPage::showDecisions);
    connect(m_privacy, &core::PrivacyService::profileChanged, this, &PrivacyPage::showProfile);
    connect(m_privacy, &core::PrivacyService::requestFinished, this, [this](const QJsonObject &request) {
        if (request.value(QLatin1String("type")).toString() == u"export"
            && request.value(QLatin1String("status")).toString() == u"completed")
            report(tr("Your archive is ready to download."));
    });
    // Headers and the table's corner button are controls too: screen readers and tests find them by name.
    for (QAbstractItemView *view : findChildren<QAbstractItemView *>()) {
        for (QHeaderView *header : view->findChildren<QHeaderView *>()) {
            if (header->objectName().isEmpty()) {
                header->setObjectName(view->objectName()
                                      + (header->orientation() == Qt::Horizontal ? QStringLiteral("ColumnHeader")
                                                                                 : QStringLiteral("RowHeader")));
                header->setAccessibleName(header->orientation() == Qt::Horizontal ? tr("Column headers")
                                                                                  : tr("Row headers"));
            }
        }
        for (QAbstractButton *corner : view->findChildren<QAbstractButton *>()) {
            if (corner->objectName().isEmpty()) {
                corner->setObjectName(view->objectName() + QStringLiteral("CornerButton"));
                corner->setAccessibleName(tr("Select all"));
            }
        }
    }
    showSummary();
    showRequests();
    showSessions();
    showDecisions();
    showProfile();
    if (m_privacy->isActive())
        m_privacy->refreshAll();
}

void PrivacyPage::report(const QString &text, bool problem)
{
    m_messageBanner->showMessage(problem ? Banner::Kind::Error : Banner::Kind::Success, text);
    m_messageBanner->show();
}

// ---- what we hold ----

QWidget *PrivacyPage::buildHoldings()
{
    auto *box = section(QStringLiteral("privacyHoldingsSection"), tr("What we hold"), this);
    auto *layout = new QVBoxLayout(box);
    m_holdings = named(new QTableWidget(0, 5, box), "privacyHoldingsTable", tr("What we hold"));
    m_holdings->setHorizontalHeaderLabels({ tr("Category"), tr("Items"), tr("Size"), tr("Kept"), tr("Next deletion") });
    m_holdings->verticalHeader()->hide();
    m_holdings->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_holdings->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_holdings->setWordWrap(true);
    m_holdings->setMinimumHeight(400);
    m_holdings->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    layout->addWidget(m_holdings);
    return box;
}

void PrivacyPage::showSummary()
{
    const QJsonObject summary = m_privacy->summary();
    const QJsonArray categories = summary.value(QLatin1String("categories")).toArray();
    m_holdings->setRowCount(int(categories.size()));
    for (int row = 0; row < categories.size(); ++row) {
        const QJsonObject category = categories.at(row).toObject();
        const QStringList cells { category.value(QLatin1String("title")).toString(),
                                  QLocale().toString(category.value(QLatin1String("count")).toInteger()),
                                  bytesText(category.value(QLatin1String("bytes")).toInteger()),
                                  category.value(QLatin1String("retention")).toString(),
                                  category.value(QLatin1String("next_deletion_at")).isNull()
                                      ? tr("—")
                                      : day(category.value(QLatin1String("next_deletion_at"))) };
        for (int column = 0; column < cells.size(); ++column)
            m_holdings->setItem(row, column, new QTableWidgetItem(cells[column]));
    }
    m_holdings->resizeRowsToContents();

    // Deletion in its grace period: say when, offer to cancel.
    const QJsonObject pending = m_privacy->pendingDeletion();
    // Rebuilt only when it changes: the summary is refreshed often while requests are worked on.
    const QString shown = QString::fromUtf8(QJsonDocument(pending).toJson(QJsonDocument::Compact));
    const bool changed = shown != m_shownDeletion;
    m_shownDeletion = shown;
    if (changed)
        m_deletionBanner->clearActions();
    if (!changed) {
        // nothing to redo
    } else if (pending.isEmpty()) {
        m_deletionBanner->hide();
    } else if (pending.value(QLatin1String("status")).toString() == u"needs_verification") {
        m_deletionBanner->showMessage(Banner::Kind::Warning,
                                      tr("Your account deletion waits for your password. Nothing is deleted yet."));
        m_deletionBanner->show();
        auto *cancel = m_deletionBanner->addAction(QStringLiteral("cancelDeletionButton"), tr("Cancel deletion"));
        cancel->show();
        const QString id = pending.value(QLatin1String("request_id")).toString();
        connect(cancel, &QPushButton::clicked, this, [this, id] { m_privacy->cancelRequest(id); });
    } else {
        m_deletionBanner->showMessage(
            Banner::Kind::Warning,
            tr("Your account and everything in it will be deleted on %1. Until then you can change your mind.")
                .arg(when(pending.value(QLatin1String("grace_ends_at")))));
        m_deletionBanner->show();
        auto *cancel = m_deletionBanner->addAction(QStringLiteral("cancelDeletionButton"), tr("Keep my account"));
        cancel->show();
        cancel->setAccessibleName(tr("Cancel the account deletion"));
        const QString id = pending.value(QLatin1String("request_id")).toString();
        connect(cancel, &QPushButton::clicked, this, [this, id] {
            m_privacy->cancelRequest(id, [this](const QJsonObject &, const core::ApiError &error) {
                if (error)
                    report(error.userMessage(), true);
                else
                    report(tr("Your account will not be deleted."));
            });
        });
    }

    const QJsonObject processing = summary.value(QLatin1String("processing")).toObject();
    m_updating = true;
    m_restrict->setChecked(processing.value(QLatin1String("restricted")).toBool());
    const QJsonObject objections = processing.value(QLatin1String("objections")).toObject();
    m_objectAnalytics->setChecked(objections.value(QLatin1String("product_analytics")).toBool());
    m_objectPersonalisation->setChecked(objections.value(QLatin1String("personalisation")).toBool());
    m_updating = false;
    if (m_privacy->isRestricted()) {
        m_restrictionBanner->showMessage(Banner::Kind::Info,
                                         tr("Processing of your account is paused: no new generations and no "
                                            "analytics. Downloads and deletion still work."));
        m_restrictionBanner->show();
    } else {
        m_restrictionBanner->hide();
    }

    const QJsonObject training = summary.value(QLatin1String("training")).toObject();
    m_trainingState->setText(
        training.value(QLatin1String("granted")).toBool()
            ? tr("On: new items may be used to improve models. %n item(s) made while it was off stay excluded.", "",
                 training.value(QLatin1String("excluded_count")).toInt())
            : tr("Off: nothing of yours is used to train models. %n item(s) are marked as excluded.", "",
                 training.value(QLatin1String("excluded_count")).toInt()));

    QStringList processed;
    for (const QJsonValue &value : summary.value(QLatin1String("processors")).toArray()) {
        const QJsonObject item = value.toObject();
        processed.append(tr("%1: %n item(s)", "", item.value(QLatin1String("items")).toInt())
                             .arg(item.value(QLatin1String("processed_by")).toString().toHtmlEscaped()));
    }
    QStringList services;
    for (const QJsonValue &value : summary.value(QLatin1String("notice_processors")).toArray()) {
        const QJsonObject item = value.toObject();
        services.append(tr("%1 — %2 (%3)")
                            .arg(item.value(QLatin1String("name")).toString().toHtmlEscaped(),
                                 item.value(QLatin1String("role")).toString().toHtmlEscaped(),
                                 item.value(QLatin1String("region")).toString().toHtmlEscaped()));
    }
    m_processors->setText(
        tr("<p><b>Your items were processed by</b><br>%1</p><p><b>Services named in the notice</b><br>%2</p><p>%3</p>")
            .arg(processed.isEmpty() ? tr("Nothing yet.") : processed.join(QStringLiteral("<br>")),
                 services.join(QStringLiteral("<br>")),
                 summary.value(QLatin1String("transfers")).toString().toHtmlEscaped()));

    const QJsonObject contact = summary.value(QLatin1String("contact")).toObject();
    const QJsonObject authority = summary.value(QLatin1String("supervisory_authority")).toObject();
    m_contact->setText(
        tr("<p><b>Privacy contact:</b> %1, <a href=\"mailto:%2\">%2</a>, %3</p>"
           "<p><b>Complaints:</b> you may complain to a supervisory authority: <a href=\"%5\">%4</a>.</p>"
           "<p><b>California residents:</b> %6</p>")
            .arg(contact.value(QLatin1String("controller")).toString().toHtmlEscaped(),
                 contact.value(QLatin1String("email")).toString().toHtmlEscaped(),
                 contact.value(QLatin1String("address")).toString().toHtmlEscaped(),
                 authority.value(QLatin1String("name")).toString().toHtmlEscaped(),
                 authority.value(QLatin1String("url")).toString().toHtmlEscaped(),
                 summary.value(QLatin1String("ccpa")).toString().toHtmlEscaped()));
}

// ---- download ----

QWidget *PrivacyPage::buildExport()
{
    auto *box = section(QStringLiteral("privacyExportSection"), tr("Download your data"), this);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(note(tr("Choose what to include. The server prepares a ZIP archive with a JSON file per "
                              "category, your media files and a manifest with checksums. The link works for 7 days."),
                           box));
    auto *grid = new QGridLayout;
    const QList<QPair<QString, QString>> categories {
        { QStringLiteral("account"), tr("Account") },
        { QStringLiteral("profile"), tr("Profile and choices") },
        { QStringLiteral("content"), tr("Prompts and content") },
        { QStringLiteral("references"), tr("Reference files") },
        { QStringLiteral("consent"), tr("Consent records") },
        { QStringLiteral("telemetry"), tr("Logs and telemetry") },
        { QStringLiteral("sessions"), tr("Sessions and devices") },
        { QStringLiteral("requests"), tr("Privacy requests") },
        { QStringLiteral("billing"), tr("Billing references") },
    };
    for (int i = 0; i < categories.size(); ++i) {
        auto *check = new QCheckBox(categories[i].second, box);
        check->setObjectName(QStringLiteral("exportCategory_%1").arg(categories[i].first));
        check->setAccessibleName(categories[i].second);
        check->setProperty("category", categories[i].first);
        check->setChecked(true);
        m_exportCategories.append(check);
        grid->addWidget(check, i / 3, i % 3);
    }
    layout->addLayout(grid);
    auto *range = new QHBoxLayout;
    m_rangeCheck = named(new QCheckBox(tr("Only items from"), box), "exportRangeCheck", tr("Only a date range"));
    m_fromDate = named(new QDateEdit(QDate::currentDate().addMonths(-1), box), "exportFromDate", tr("From"));
    m_toDate = named(new QDateEdit(QDate::currentDate(), box), "exportToDate", tr("To"));
    for (QDateEdit *edit : { m_fromDate, m_toDate }) {
        edit->setCalendarPopup(true);
        edit->setEnabled(false);
    }
    connect(m_rangeCheck, &QCheckBox::toggled, m_fromDate, &QWidget::setEnabled);
    connect(m_rangeCheck, &QCheckBox::toggled, m_toDate, &QWidget::setEnabled);
    range->addWidget(m_rangeCheck);
    range->addWidget(m_fromDate);
    range->addWidget(new QLabel(tr("to"), box));
    range->addWidget(m_toDate);
    range->addStretch(1);
    layout->addLayout(range);
    auto *actions = new QHBoxLayout;
    m_requestExport
        = named(new QPushButton(tr("Prepare my archive"), box), "requestExportButton", tr("Prepare my archive"));
    m_downloadButton = named(new QPushButton(tr("Download…"), box), "downloadExportButton", tr("Download the archive"));
    m_downloadButton->setEnabled(false);
    actions->addWidget(m_requestExport);
    actions->addWidget(m_downloadButton);
    actions->addStretch(1);
    layout->addLayout(actions);
    m_exportStatus = named(note(tr("No archive requested yet."), box), "exportStatusLabel", tr("Archive status"));
    m_downloadProgress = named(new QProgressBar(box), "downloadProgress", tr("Download progress"));
    m_downloadProgress->hide();
    m_downloadStatus = named(note(QString(), box), "downloadStatusLabel", tr("Download status"));
    layout->addWidget(m_exportStatus);
    layout->addWidget(m_downloadProgress);
    layout->addWidget(m_downloadStatus);

    connect(m_requestExport, &QPushButton::clicked, this, [this] {
        QStringList chosen;
        for (QCheckBox *check : std::as_const(m_exportCategories)) {
            if (check->isChecked())
                chosen.append(check->property("category").toString());
        }
        if (chosen.isEmpty()) {
            report(tr("Choose at least one category."), true);
            return;
        }
        QString from;
        QString to;
        if (m_rangeCheck->isChecked()) {
            from = QDateTime(m_fromDate->date(), QTime(0, 0), Qt::LocalTime).toUTC().toString(Qt::ISODate);
            to = QDateTime(m_toDate->date(), QTime(23, 59, 59), Qt::LocalTime).toUTC().toString(Qt::ISODate);
        }
        m_requestExport->setEnabled(false);
        m_privacy->requestExport(chosen, from, to, [this](const QJsonObject &, const core::ApiError &error) {
            m_requestExport->setEnabled(true);
            if (error)
                report(error.userMessage(), true);
        });
    });
    connect(m_downloadButton, &QPushButton::clicked, this, &PrivacyPage::startDownload);
    connect(m_download, &core::ExportDownload::progress, this, [this](qint64 received, qint64 total) {
        m_downloadProgress->setMaximum(100);
        m_downloadProgress->setValue(total > 0 ? int(received * 100 / total) : 0);
    });
    connect(m_download, &core::ExportDownload::stateChanged, this, [this](core::ExportDownload::State state) {
        using State = core::ExportDownload::State;
        m_downloadProgress->setVisible(state == State::Downloading || state == State::Verifying);
        m_downloadButton->setEnabled(state != State::Downloading && state != State::Verifying);
        switch (state) {
        case State::Downloading:
            m_downloadStatus->setText(tr("Downloading…"));
            break;
        case State::Verifying:
            m_downloadStatus->setText(tr("Checking every file against its checksum…"));
            break;
        case State::Verified:
            m_downloadStatus->setText(tr("Saved and verified: %1 (%n file(s) checked).", "", m_download->filesChecked())
                                          .arg(QDir::toNativeSeparators(m_download->destination())));
            break;
        case State::Expired:
            m_downloadStatus->setText(tr("This archive has expired and was deleted. Prepare a new one."));
            break;
        case State::Failed:
            m_downloadStatus->setText(
                tr("The download stopped: %1. Click Download again to continue where it "
                   "stopped.")
                    .arg(m_download->error() ? m_download->error().userMessage() : m_download->problem()));
            break;
        case State::Idle:
            break;
        }
    });
    return box;
}

QJsonObject PrivacyPage::latestExport() const
{
    for (const QJsonValue &value : m_privacy->requests()) { // newest first
        const QJsonObject request = value.toObject();
        const QString type = request.value(QLatin1String("type")).toString();
        if (type == u"export" || type == u"access")
            return request;
    }
    return {};
}

void PrivacyPage::updateExportState()
{
    const QJsonObject request = latestExport();
    const QString status = request.value(QLatin1String("status")).toString();
    const QJsonObject artifact = request.value(QLatin1String("artifacts")).toArray().first().toObject();
    if (request.isEmpty()) {
        m_exportStatus->setText(tr("No archive requested yet."));
    } else if (status == u"completed" && !artifact.isEmpty()) {
        m_exportStatus->setText(artifact.value(QLatin1String("expired")).toBool()
                                    ? tr("Your last archive has expired and was deleted.")
                                    : tr("Ready: %1, until %2.")
                                          .arg(bytesText(artifact.value(QLatin1String("bytes")).toInteger()),
                                               when(artifact.value(QLatin1String("expires_at")))));
    } else if (request.value(QLatin1String("delayed")).toBool()) {
        m_exportStatus->setText(tr("Delayed: we will keep trying and tell you when it is ready."));
    } else {
        m_exportStatus->setText(tr("Preparing your archive (%1)…").arg(statusText(status)));
    }
    const bool downloading = m_download->state() == core::ExportDownload::State::Downloading
        || m_download->state() == core::ExportDownload::State::Verifying;
    m_downloadButton->setEnabled(!downloading && status == u"completed" && !artifact.isEmpty()
                                 && !artifact.value(QLatin1String("expired")).toBool());
}

void PrivacyPage::startDownload()
{
    const QJsonObject artifact = latestExport().value(QLatin1String("artifacts")).toArray().first().toObject();
    if (artifact.isEmpty())
        return;
    const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DownloadLocation))
                                  .filePath(QStringLiteral("pygmi-export-%1.zip")
                                                .arg(artifact.value(QLatin1String("created_at")).toString().left(10)));
    const QString path
        = FileDialog::getSaveFileName(this, tr("Save your archive"), suggested, tr("ZIP archive (*.zip)"));
    if (path.isEmpty())
        return;
    m_download->start(artifact.value(QLatin1String("url")).toString(),
                      artifact.value(QLatin1String("sha256")).toString(),
                      artifact.value(QLatin1String("bytes")).toInteger(), path);
}

// ---- correct ----

QWidget *PrivacyPage::buildCorrect()
{
    auto *box = section(QStringLiteral("privacyCorrectSection"), tr("Correct your information"), this);
    auto *layout = new QVBoxLayout(box);
    auto *form = new QFormLayout;
    m_displayName = named(new QLineEdit(box), "profileDisplayNameEdit", tr("Display name"));
    m_name = named(new QLineEdit(box), "profileNameEdit", tr("Full name (optional)"));
    m_region = named(new QComboBox(box), "profileRegionCombo", tr("Where you live"));
    m_region->addItem(tr("European Economic Area, UK or Switzerland"), QStringLiteral("eu"));
    m_region->addItem(tr("California"), QStringLiteral("us-ca"));
    m_region->addItem(tr("Somewhere else"), QStringLiteral("other"));
    form->addRow(tr("Display name"), m_displayName);
    form->addRow(tr("Full name"), m_name);
    form->addRow(tr("Where you live (decides which law's deadlines apply)"), m_region);
    auto *avatarRow = new QHBoxLayout;
    m_avatar = named(new QLabel(box), "avatarPreview", tr("Your picture"));
    m_avatar->setFixedSize(64, 64);
    m_avatar->setFrameShape(QFrame::StyledPanel);
    m_avatar->setAlignment(Qt::AlignCenter);
    auto *chooseAvatar
        = named(new QPushButton(tr("Choose picture…"), box), "chooseAvatarButton", tr("Choose a picture"));
    auto *removeAvatar
        = named(new QPushButton(tr("Remove picture"), box), "removeAvatarButton", tr("Remove the picture"));
    avatarRow->addWidget(m_avatar);
    avatarRow->addWidget(chooseAvatar);
    avatarRow->addWidget(removeAvatar);
    avatarRow->addStretch(1);
    form->addRow(tr("Picture"), avatarRow);
    layout->addLayout(form);
    connect(chooseAvatar, &QPushButton::clicked, this, [this] {
        QString path;
        if (s_nextAvatarFile) {
            path = *s_nextAvatarFile;
            s_nextAvatarFile.reset();
        } else {
            path = QFileDialog::getOpenFileName(this, tr("Choose a picture"), QString(),
                                                tr("Images (*.png *.jpg *.jpeg *.webp *.bmp)"));
        }
        if (path.isEmpty())
            return;
        QImage image(path);
        if (image.isNull()) {
            report(tr("This file is not a picture Pygmi can read."), true);
            return;
        }
        // Re-encoded as a small PNG: no camera, location or other metadata leaves this computer.
        const QImage scaled = image.scaled(256, 256, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                                  .convertToFormat(QImage::Format_ARGB32);
        // Built from the pixels alone: QImage carries text chunks and other metadata along otherwise.
        image = QImage(scaled.constBits(), scaled.width(), scaled.height(), scaled.bytesPerLine(), scaled.format())
                    .copy();
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        image.save(&buffer, "PNG");
        m_privacy->setAvatar(png, [this](const QJsonObject &, const core::ApiError &error) {
            report(error ? error.userMessage() : tr("Your picture was saved."), bool(error));
        });
    });
    connect(removeAvatar, &QPushButton::clicked, this, [this] {
        m_privacy->removeAvatar([this](const QJsonObject &, const core::ApiError &error) {
            report(error ? error.userMessage() : tr("Your picture was removed."), bool(error));
        });
    });
    auto *save = named(new QPushButton(tr("Save"), box), "saveProfileButton", tr("Save profile"));
    layout->addWidget(save, 0, Qt::AlignLeft);
    connect(save, &QPushButton::clicked, this, [this] {
        m_privacy->updateProfile({ { QStringLiteral("display_name"), m_displayName->text() },
                                   { QStringLiteral("name"), m_name->text() },
                                   { QStringLiteral("region"), m_region->currentData().toString() } },
                                 [this](const QJsonObject &, const core::ApiError &error) {
                                     report(error ? error.userMessage() : tr("Saved."), bool(error));
                                 });
    });

    auto *emailForm = new QFormLayout;
    m_newEmail = named(new QLineEdit(box), "newEmailEdit", tr("New email address"));
    m_emailPassword = named(new QLineEdit(box), "emailPasswordEdit", tr("Your password"));
    m_emailPassword->setEchoMode(QLineEdit::Password);
    m_emailCode = named(new QLineEdit(box), "emailCodeEdit", tr("Code from the new address"));
    emailForm->addRow(tr("New email address"), m_newEmail);
    emailForm->addRow(tr("Password"), m_emailPassword);
    auto *send = named(new QPushButton(tr("Send a code to the new address"), box), "sendEmailCodeButton",
                       tr("Send a code to the new address"));
    emailForm->addRow(QString(), send);
    emailForm->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    send->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    emailForm->addRow(tr("Code"), m_emailCode);
    auto *confirm = named(new QPushButton(tr("Confirm the new address"), box), "confirmEmailButton",
                          tr("Confirm the new address"));
    emailForm->addRow(QString(), confirm);
    confirm->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_emailStatus = named(note(QString(), box), "emailStatusLabel", tr("Email change status"));
    layout->addLayout(emailForm);
    layout->addWidget(m_emailStatus);
    connect(send, &QPushButton::clicked, this, [this] {
        m_privacy->changeEmail(m_newEmail->text().trimmed(), m_emailPassword->text(),
                               [this](const QJsonObject &, const core::ApiError &error) {
                                   m_emailPassword->clear();
                                   m_emailStatus->setText(error ? error.userMessage()
                                                                : tr("We sent a code to the new address. Your current "
                                                                     "address stays in use until you confirm."));
                               });
    });
    connect(confirm, &QPushButton::clicked, this, [this] {
        m_privacy->confirmEmail(
            m_emailCode->text().trimmed(), [this](const QJsonObject &, const core::ApiError &error) {
                m_emailStatus->setText(error ? error.userMessage() : tr("Your email address was changed."));
            });
    });

    layout->addWidget(note(tr("Something else wrong? Tell us what to correct; a person will answer."), box));
    m_correction = named(new QPlainTextEdit(box), "correctionEdit", tr("What should be corrected"));
    m_correction->setMaximumHeight(80);
    layout->addWidget(m_correction);
    auto *ask
        = named(new QPushButton(tr("Ask for a correction"), box), "sendCorrectionButton", tr("Ask for a correction"));
    layout->addWidget(ask, 0, Qt::AlignLeft);
    connect(ask, &QPushButton::clicked, this, [this] {
        m_privacy->askCorrection(
            m_correction->toPlainText().trimmed(), [this](const QJsonObject &, const core::ApiError &error) {
                if (!error)
                    m_correction->clear();
                report(error ? error.userMessage() : tr("Your correction request was sent."), bool(error));
            });
    });
    return box;
}

void PrivacyPage::showProfile()
{
    const QJsonObject profile = m_privacy->profile();
    if (profile.isEmpty())
        return;
    m_displayName->setText(profile.value(QLatin1String("display_name")).toString());
    m_name->setText(profile.value(QLatin1String("name")).toString());
    if (profile.value(QLatin1String("avatar_url")).isNull()) {
        m_avatar->setPixmap(QPixmap());
        m_avatar->setText(tr("None"));
    } else {
        m_privacy->fetchAvatar(this, [this](const QByteArray &bytes) {
            QPixmap pixmap;
            if (pixmap.loadFromData(bytes))
                m_avatar->setPixmap(pixmap.scaled(m_avatar->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        });
    }
    const int region = m_region->findData(profile.value(QLatin1String("region")).toString());
    m_region->setCurrentIndex(region < 0 ? 2 : region);
    const bool local = profile.value(QLatin1String("kind")).toString() == u"local";
    for (QWidget *widget : { static_cast<QWidget *>(m_newEmail), static_cast<QWidget *>(m_emailPassword),
                             static_cast<QWidget *>(m_emailCode) })
        widget->setEnabled(!local);
    const QString pending = profile.value(QLatin1String("pending_email")).toString();
    if (!pending.isEmpty() && m_emailStatus->text().isEmpty())
        m_emailStatus->setText(tr("Waiting for the code sent to %1.").arg(pending));
}

// ---- delete ----

QWidget *PrivacyPage::buildDelete()
{
    auto *box = section(QStringLiteral("privacyDeleteSection"), tr("Delete"), this);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(note(tr("Delete single items in the Gallery. Here you can delete all your content at once, or "
                              "your whole account."),
                           box));
    auto *row = new QHBoxLayout;
    auto *content = named(new QPushButton(tr("Delete all my content now…"), box), "deleteAllContentButton",
                          tr("Delete all my content now"));
    auto *account
        = named(new QPushButton(tr("Delete my account…"), box), "deleteAccountButton", tr("Delete my account"));
    row->addWidget(content);
    row->addWidget(account);
    row->addStretch(1);
    layout->addLayout(row);
    connect(content, &QPushButton::clicked, this, [this] {
        if (MessageBox::question(this, tr("Delete all content"),
                                 tr("Delete every prompt, image and video of yours now? This cannot be undone."),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Yes)
            return;
        m_privacy->deleteAllContent([this](const QJsonObject &, const core::ApiError &error) {
            report(error ? error.userMessage() : tr("All your content was deleted."), bool(error));
        });
    });
    connect(account, &QPushButton::clicked, this, &PrivacyPage::openDeleteDialog);
    return box;
}

void PrivacyPage::openDeleteDialog()
{
    auto *dialog = new DeleteAccountDialog(m_privacy, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DeleteAccountDialog::scheduled, this, [this] {
        report(tr("Your account is scheduled for deletion. You can cancel until the date shown above."));
    });
    dialog->open();
}

// ---- restrict and object ----

QWidget *PrivacyPage::buildRestrict()
{
    auto *box = section(QStringLiteral("privacyRestrictSection"), tr("Restrict and object"), this);
    auto *layout = new QVBoxLayout(box);
    m_restrict = named(new QCheckBox(tr("Pause processing of my account (no new generations, no analytics)"), box),
                       "restrictProcessingCheck", tr("Pause processing of my account"));
    m_objectAnalytics = named(new QCheckBox(tr("Object to product-improvement analytics on de-identified usage"), box),
                              "objectAnalyticsCheck", tr("Object to product-improvement analytics"));
    m_objectPersonalisation = named(new QCheckBox(tr("Object to personalisation"), box), "objectPersonalisationCheck",
                                    tr("Object to personalisation"));
    layout->addWidget(m_restrict);
    layout->addWidget(m_objectAnalytics);
    layout->addWidget(m_objectPersonalisation);
    layout->addWidget(note(tr("Downloading and deleting your data keep working while processing is paused."), box));
    const auto apply = [this](const QJsonObject &change) {
        if (m_updating)
            return;
        m_privacy->setProcessing(change, [this](const QJsonObject &, const core::ApiError &error) {
            if (error)
                report(error.userMessage(), true);
        });
    };
    connect(m_restrict, &QCheckBox::toggled, this, [apply](bool on) {
        apply({ { QStringLiteral("restricted"), on } });
    });
    connect(m_objectAnalytics, &QCheckBox::toggled, this, [apply](bool on) {
        apply({ { QStringLiteral("objections"), QJsonObject { { QStringLiteral("product_analytics"), on } } } });
    });
    connect(m_objectPersonalisation, &QCheckBox::toggled, this, [apply](bool on) {
        apply({ { QStringLiteral("objections"), QJsonObject { { QStringLiteral("personalisation"), on } } } });
    });
    return box;
}

QWidget *PrivacyPage::buildTraining()
{
    auto *box = section(QStringLiteral("privacyTrainingSection"), tr("Model training"), this);
    auto *layout = new QVBoxLayout(box);
    m_trainingState = named(note(QString(), box), "trainingStateLabel", tr("Model training"));
    layout->addWidget(m_trainingState);
    auto *open = named(new QPushButton(tr("Change in consent settings"), box), "openConsentSettingsButton",
                       tr("Change the model-training choice"));
    layout->addWidget(open, 0, Qt::AlignLeft);
    connect(open, &QPushButton::clicked, this, &PrivacyPage::consentSettingsRequested);
    return box;
}

// ---- requests ----

QWidget *PrivacyPage::buildRequests()
{
    auto *box = section(QStringLiteral("privacyRequestsSection"), tr("Your requests"), this);
    auto *layout = new QVBoxLayout(box);
    m_requests = named(new QTreeWidget(box), "requestsTree", tr("Your requests"));
    m_requests->setHeaderLabels({ tr("Request"), tr("Status"), tr("Submitted"), tr("Due"), tr("Receipt") });
    m_requests->setRootIsDecorated(false);
    m_requests->setMinimumHeight(160);
    layout->addWidget(m_requests);
    m_timeline = named(new QTextBrowser(box), "requestTimeline", tr("Timeline of the selected request"));
    m_timeline->setMaximumHeight(150);
    layout->addWidget(m_timeline);
    auto *row = new QHBoxLayout;
    m_cancelRequest = named(new QPushButton(tr("Cancel request"), box), "cancelRequestButton", tr("Cancel request"));
    m_replyEdit = named(new QLineEdit(box), "requestReplyEdit", tr("Your answer"));
    m_replyButton = named(new QPushButton(tr("Send answer"), box), "replyRequestButton", tr("Send answer"));
    row->addWidget(m_cancelRequest);
    row->addWidget(m_replyEdit, 1);
    row->addWidget(m_replyButton);
    layout->addLayout(row);
    connect(m_requests, &QTreeWidget::currentItemChanged, this, &PrivacyPage::showRequestDetails);
    connect(m_cancelRequest, &QPushButton::clicked, this, [this] {
        const QString id = selectedRequest().value(QLatin1String("id")).toString();
        m_privacy->cancelRequest(id, [this](const QJsonObject &, const core::ApiError &error) {
            if (error)
                report(error.userMessage(), true);
        });
    });
    connect(m_replyButton, &QPushButton::clicked, this, [this] {
        m_privacy->replyToRequest(selectedRequest().value(QLatin1String("id")).toString(),
                                  m_replyEdit->text().trimmed(),
                                  [this](const QJsonObject &, const core::ApiError &error) {
                                      if (error)
                                          report(error.userMessage(), true);
                                      else
                                          m_replyEdit->clear();
                                  });
    });
    return box;
}

void PrivacyPage::showRequests()
{
    const QString selected = selectedRequest().value(QLatin1String("id")).toString();
    m_requests->clear();
    for (const QJsonValue &value : m_privacy->requests()) {
        const QJsonObject request = value.toObject();
        const QString id = request.value(QLatin1String("id")).toString();
        QString due = day(request.value(QLatin1String("extended_due_at")).isNull()
                              ? request.value(QLatin1String("due_at"))
                              : request.value(QLatin1String("extended_due_at")));
        if (!request.value(QLatin1String("extended_due_at")).isNull())
            due = tr("%1 (extended)").arg(due);
        QString status = statusText(request.value(QLatin1String("status")).toString());
        if (request.value(QLatin1String("delayed")).toBool())
            status = tr("%1, delayed").arg(status);
        const bool hasReceipt = request.value(QLatin1String("receipt")).isObject();
        auto *item = new QTreeWidgetItem(
            m_requests,
            { typeText(request.value(QLatin1String("type")).toString()), status,
              day(request.value(QLatin1String("submitted_at"))), due,
              !hasReceipt ? QString() : (m_privacy->isReceiptVerified(id) ? tr("Signed, verified") : tr("Signed")) });
        item->setData(0, Qt::UserRole, id);
        if (id == selected)
            m_requests->setCurrentItem(item);
    }
    for (int column = 0; column < 5; ++column)
        m_requests->resizeColumnToContents(column);
    showRequestDetails();
    updateExportState();
}

QJsonObject PrivacyPage::selectedRequest() const
{
    const QTreeWidgetItem *item = m_requests ? m_requests->currentItem() : nullptr;
    if (!item)
        return {};
    const QString id = item->data(0, Qt::UserRole).toString();
    for (const QJsonValue &value : m_privacy->requests()) {
        if (value.toObject().value(QLatin1String("id")).toString() == id)
            return value.toObject();
    }
    return {};
}

void PrivacyPage::showRequestDetails()
{
    const QJsonObject request = selectedRequest();
    m_cancelRequest->setEnabled(request.value(QLatin1String("can_cancel")).toBool());
    const bool waiting = request.value(QLatin1String("status")).toString() == u"awaiting_user_input";
    m_replyEdit->setEnabled(waiting);
    m_replyButton->setEnabled(waiting);
    if (request.isEmpty()) {
        m_timeline->setHtml(tr("<p>Select a request to see its timeline.</p>"));
        return;
    }
    QString html = tr("<p><b>%1</b> — %2. Due %3.</p>")
                       .arg(typeText(request.value(QLatin1String("type")).toString()),
                            statusText(request.value(QLatin1String("status")).toString()),
                            day(request.value(QLatin1String("due_at"))));
    if (!request.value(QLatin1String("extension_reason")).isNull())
        html += tr("<p>Deadline extended to %1: %2</p>")
                    .arg(day(request.value(QLatin1String("extended_due_at"))),
                         request.value(QLatin1String("extension_reason")).toString().toHtmlEscaped());
    if (!request.value(QLatin1String("reason")).isNull())
        html += tr("<p>Reason: %1</p>").arg(request.value(QLatin1String("reason")).toString().toHtmlEscaped());
    html += QStringLiteral("<ul>");
    for (const QJsonValue &value : request.value(QLatin1String("events")).toArray()) {
        const QJsonObject event = value.toObject();
        const QString noteText = event.value(QLatin1String("note")).toString();
        html += tr("<li>%1 — %2%3</li>")
                    .arg(when(event.value(QLatin1String("at"))),
                         statusText(event.value(QLatin1String("status")).toString()),
                         noteText.isEmpty() ? QString() : QStringLiteral(": ") + noteText.toHtmlEscaped());
    }
    html += QStringLiteral("</ul>");
    m_timeline->setHtml(html);
}

// ---- automated decisions ----

QWidget *PrivacyPage::buildDecisions()
{
    auto *box = section(QStringLiteral("privacyDecisionsSection"), tr("Automated decisions"), this);
    auto *layout = new QVBoxLayout(box);
    layout->addWidget(note(tr("Checks of your prompts by the moderation policy. You can ask a person to look at any of "
                              "them."),
                           box));
    m_decisions = named(new QTreeWidget(box), "decisionsTree", tr("Automated decisions"));
    m_decisions->setHeaderLabels({ tr("When"), tr("Outcome"), tr("Category"), tr("Decided by"), tr("Review") });
    m_decisions->setRootIsDecorated(false);
    m_decisions->setMinimumHeight(120);
    layout->addWidget(m_decisions);
    m_requestReview
        = named(new QPushButton(tr("Request human review"), box), "requestReviewButton", tr("Request human review"));
    m_requestReview->setEnabled(false);
    layout->addWidget(m_requestReview, 0, Qt::AlignLeft);
    connect(m_decisions, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        m_requestReview->setEnabled(item && item->data(0, Qt::UserRole + 1).toBool());
    });
    connect(m_requestReview, &QPushButton::clicked, this, [this] {
        const QTreeWidgetItem *item = m_decisions->currentItem();
        if (!item)
            return;
        m_privacy->requestReview(item->data(0, Qt::UserRole).toString(), QString(),
                                 [this](const QJsonObject &, const core::ApiError &error) {
                                     report(error ? error.userMessage() : tr("A person will review this decision."),
                                            bool(error));
                                 });
    });
    return box;
}

void PrivacyPage::showDecisions()
{
    m_decisions->clear();
    for (const QJsonValue &value : m_privacy->decisions()) {
        const QJsonObject decision = value.toObject();
        const QJsonObject review = decision.value(QLatin1String("review")).toObject();
        QString reviewText;
        if (!review.isEmpty()) {
            reviewText = review.value(QLatin1String("status")).toString() == u"completed"
                ? tr("%1 by %2")
                      .arg(review.value(QLatin1String("outcome")).toString() == u"overturned" ? tr("Overturned")
                                                                                              : tr("Upheld"),
                           review.value(QLatin1String("reviewer")).toString())
                : statusText(review.value(QLatin1String("status")).toString());
        }
        auto *item = new QTreeWidgetItem(
            m_decisions,
            { when(decision.value(QLatin1String("decided_at"))),
              decision.value(QLatin1String("outcome")).toString() == u"blocked" ? tr("Blocked") : tr("Allowed"),
              decision.value(QLatin1String("category")).toString(),
              decision.value(QLatin1String("automated")).toBool() ? tr("Automated check") : tr("A person"),
              reviewText });
        item->setData(0, Qt::UserRole, decision.value(QLatin1String("id")).toString());
        item->setData(0, Qt::UserRole + 1,
                      review.isEmpty() || review.value(QLatin1String("status")).toString() == u"cancelled");
        item->setToolTip(2, decision.value(QLatin1String("reason")).toString());
    }
    for (int column = 0; column < 5; ++column)
        m_decisions->resizeColumnToContents(column);
    m_requestReview->setEnabled(false);
}

// ---- sessions ----

QWidget *PrivacyPage::buildSessions()
{
    auto *box = section(QStringLiteral("privacySessionsSection"), tr("Devices and sessions"), this);
    auto *layout = new QVBoxLayout(box);
    m_sessions = named(new QTreeWidget(box), "sessionsTree", tr("Devices and sessions"));
    m_sessions->setHeaderLabels({ tr("Device"), tr("App"), tr("Last seen"), tr("Country") });
    m_sessions->setRootIsDecorated(false);
    m_sessions->setMinimumHeight(110);
    layout->addWidget(m_sessions);
    auto *row = new QHBoxLayout;
    m_revokeSession = named(new QPushButton(tr("Sign this device out"), box), "revokeSessionButton",
                            tr("Sign the selected device out"));
    m_revokeSession->setEnabled(false);
    auto *everywhere = named(new QPushButton(tr("Sign out everywhere else"), box), "signOutEverywhereButton",
                             tr("Sign out on every other device"));
    row->addWidget(m_revokeSession);
    row->addWidget(everywhere);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addWidget(note(tr("Countries are shown only when the server has an address-to-country list; addresses "
                              "themselves are not kept."),
                           box));
    connect(m_sessions, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        m_revokeSession->setEnabled(item && !item->data(0, Qt::UserRole + 1).toBool());
    });
    connect(m_revokeSession, &QPushButton::clicked, this, [this] {
        if (const QTreeWidgetItem *item = m_sessions->currentItem())
            m_privacy->revokeSession(
                item->data(0, Qt::UserRole).toString(), [this](const QJsonObject &, const core::ApiError &error) {
                    report(error ? error.userMessage() : tr("That device was signed out."), bool(error));
                });
    });
    connect(everywhere, &QPushButton::clicked, this, [this] {
        m_privacy->signOutEverywhere(false, [this](const QJsonObject &, const core::ApiError &error) {
            report(error ? error.userMessage() : tr("Every other device was signed out."), bool(error));
        });
    });
    return box;
}

void PrivacyPage::showSessions()
{
    m_sessions->clear();
    for (const QJsonValue &value : m_privacy->sessions()) {
        const QJsonObject session = value.toObject();
        const bool current = session.value(QLatin1String("current")).toBool();
        const QString country = session.value(QLatin1String("country")).toString();
        auto *item = new QTreeWidgetItem(
            m_sessions,
            { current ? tr("%1 (this device)").arg(session.value(QLatin1String("device_name")).toString())
                      : session.value(QLatin1String("device_name")).toString(),
              session.value(QLatin1String("app_version")).toString(),
              when(session.value(QLatin1String("last_seen_at"))), country == u"unknown" ? tr("Unknown") : country });
        item->setData(0, Qt::UserRole, session.value(QLatin1String("id")).toString());
        item->setData(0, Qt::UserRole + 1, current);
    }
    for (int column = 0; column < 4; ++column)
        m_sessions->resizeColumnToContents(column);
    m_revokeSession->setEnabled(false);
}

// ---- processors and contact ----

QWidget *PrivacyPage::buildProcessors()
{
    auto *box = section(QStringLiteral("privacyProcessorsSection"), tr("Who processes my data"), this);
    auto *layout = new QVBoxLayout(box);
    m_processors = named(note(QString(), box), "processorsLabel", tr("Who processes my data"));
    layout->addWidget(m_processors);
    return box;
}

QWidget *PrivacyPage::buildContact()
{
    auto *box = section(QStringLiteral("privacyContactSection"), tr("Contact and complaints"), this);
    auto *layout = new QVBoxLayout(box);
    m_contact = named(note(QString(), box), "contactLabel", tr("Contact and complaints"));
    layout->addWidget(m_contact);
    return box;
}

} // namespace pygmi::ui
