#pragma once

#include <QGroupBox>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QTreeWidget;

namespace pygmi::core {
class ApiClient;
class Telemetry;
struct NetworkActivity;
} // namespace pygmi::core

namespace pygmi::ui {

// Settings, "What we send": every telemetry batch, queued or sent, exactly as it went on the
// wire with its time and destination (the local log can be cleared), and every destination the
// app contacted with the purpose of the request, as seen by the one network gate.
class TelemetryInspector : public QGroupBox
{
    Q_OBJECT

public:
    TelemetryInspector(core::Telemetry *telemetry, core::ApiClient *api, QWidget *parent = nullptr);

private:
    void reloadBatches();
    void addActivity(const core::NetworkActivity &activity);

    core::Telemetry *m_telemetry;
    QListWidget *m_batches;
    QPlainTextEdit *m_bytes;
    QLabel *m_summary;
    QTreeWidget *m_activity;
};

} // namespace pygmi::ui
