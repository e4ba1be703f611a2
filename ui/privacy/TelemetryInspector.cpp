#include "privacy/TelemetryInspector.h"

#include "api/ApiClient.h"
#include "telemetry/Telemetry.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pygmi::ui {

namespace {

QString purposeText(core::Purpose purpose)
{
    switch (purpose) {
    case core::Purpose::Necessary:
        return TelemetryInspector::tr("necessary");
    case core::Purpose::Analytics:
        return TelemetryInspector::tr("analytics");
    case core::Purpose::Advertising:
        return TelemetryInspector::tr("advertising");
    case core::Purpose::ModelTraining:
        return TelemetryInspector::tr("model training");
    case core::Purpose::MarketingEmail:
        return TelemetryInspector::tr("product emails");
    }
    return {};
}

QString stateText(const QString &state)
{
    if (state == u"sent")
        return TelemetryInspector::tr("sent");
    if (state == u"queued")
        return TelemetryInspector::tr("waiting to be sent");
    if (state == u"failed")
        return TelemetryInspector::tr("not delivered, will retry");
    if (state == u"refused")
        return TelemetryInspector::tr("refused by the server, dropped");
    if (state == u"deletion_requested")
        return TelemetryInspector::tr("deletion request sent");
    return state;
}

} // namespace

TelemetryInspector::TelemetryInspector(core::Telemetry *telemetry, core::ApiClient *api, QWidget *parent)
    : QGroupBox(tr("What we send"), parent)
    , m_telemetry(telemetry)
    , m_batches(new QListWidget(this))
    , m_bytes(new QPlainTextEdit(this))
    , m_summary(new QLabel(this))
    , m_activity(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("whatWeSendGroup"));
    setAccessibleName(tr("What we send"));
    auto *intro = new QLabel(tr("Analytics batches exactly as they leave this computer. Nothing is collected "
                                "unless Analytics is on."),
                             this);
    intro->setWordWrap(true);
    m_summary->setObjectName(QStringLiteral("telemetrySummaryLabel"));
    m_batches->setObjectName(QStringLiteral("telemetryBatchList"));
    m_batches->setAccessibleName(tr("Telemetry batches"));
    m_batches->setMaximumHeight(140);
    m_bytes->setObjectName(QStringLiteral("telemetryBytesView"));
    m_bytes->setAccessibleName(tr("Bytes of the selected batch"));
    m_bytes->setReadOnly(true);
    m_bytes->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_bytes->setMaximumHeight(120);
    auto *clear = new QPushButton(tr("Clear the local log"), this);
    clear->setObjectName(QStringLiteral("clearTelemetryLogButton"));
    clear->setAccessibleName(clear->text());

    auto *activityLabel = new QLabel(tr("Network activity: every destination the app contacted, and why"), this);
    activityLabel->setWordWrap(true);
    m_activity->setObjectName(QStringLiteral("networkActivityList"));
    m_activity->setAccessibleName(tr("Network activity"));
    m_activity->setRootIsDecorated(false);
    m_activity->setHeaderLabels({ tr("Time"), tr("Destination"), tr("Purpose"), tr("Request"), tr("Outcome") });
    m_activity->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_activity->header()->setObjectName(QStringLiteral("networkActivityHeader"));
    m_activity->header()->setAccessibleName(tr("Network activity columns"));
    m_activity->setMaximumHeight(180);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_summary);
    layout->addWidget(m_batches);
    layout->addWidget(m_bytes);
    layout->addWidget(clear, 0, Qt::AlignLeft);
    layout->addSpacing(6);
    layout->addWidget(activityLabel);
    layout->addWidget(m_activity);

    connect(m_batches, &QListWidget::currentRowChanged, this, [this](int row) {
        const QListWidgetItem *item = row >= 0 ? m_batches->item(row) : nullptr;
        m_bytes->setPlainText(item ? item->data(Qt::UserRole).toString() : QString());
    });
    connect(clear, &QPushButton::clicked, m_telemetry, &core::Telemetry::clearLog);
    connect(m_telemetry, &core::Telemetry::logChanged, this, &TelemetryInspector::reloadBatches);
    connect(m_telemetry, &core::Telemetry::queueChanged, this, &TelemetryInspector::reloadBatches);
    for (const core::NetworkActivity &activity : api->activity())
        addActivity(activity);
    connect(api, &core::ApiClient::activityRecorded, this, &TelemetryInspector::addActivity);
    reloadBatches();
}

void TelemetryInspector::reloadBatches()
{
    m_batches->clear();
    const auto add
        = [this](const QDateTime &time, const QString &destination, const QString &state, const QByteArray &bytes) {
              auto *item = new QListWidgetItem(
                  tr("%1 · %2 · %3 · %n byte(s)", nullptr, int(bytes.size()))
                      .arg(QLocale().toString(time.toLocalTime(), QLocale::ShortFormat), destination, stateText(state)),
                  m_batches);
              item->setData(Qt::UserRole, QString::fromUtf8(bytes));
          };
    const QByteArray queued = m_telemetry->pendingBatchBytes();
    if (!queued.isEmpty())
        add(QDateTime::currentDateTimeUtc(), tr("not sent yet"), QStringLiteral("queued"), queued);
    const auto log = m_telemetry->log();
    for (auto it = log.crbegin(); it != log.crend(); ++it)
        add(it->time, it->destination, it->state, it->bytes);
    m_summary->setText(tr("%n event(s) waiting on this computer.", nullptr, m_telemetry->queuedCount()));
    if (m_batches->count() > 0)
        m_batches->setCurrentRow(0);
    else
        m_bytes->setPlainText(tr("Nothing has been sent."));
}

void TelemetryInspector::addActivity(const core::NetworkActivity &activity)
{
    auto *item = new QTreeWidgetItem(
        { QLocale().toString(activity.time.toLocalTime(), QStringLiteral("HH:mm:ss")), activity.destination,
          purposeText(activity.purpose), activity.method + QLatin1Char(' ') + activity.path,
          activity.sent ? (activity.gpc ? tr("sent with Sec-GPC") : tr("sent")) : tr("blocked: no consent") });
    m_activity->insertTopLevelItem(0, item);
    while (m_activity->topLevelItemCount() > 200)
        delete m_activity->takeTopLevelItem(m_activity->topLevelItemCount() - 1);
}

} // namespace pygmi::ui
