#pragma once

#include <QWidget>

class QLabel;
class QListView;
class QPushButton;

namespace pygmi::core {
class JobListModel;
}

namespace pygmi::ui {

// Every job with its state, progress (step n of m), live preview and, when it failed or was
// blocked, the reason in plain words. Cancel and Retry act on the selected job.
class JobsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit JobsPanel(core::JobListModel *model, QWidget *parent = nullptr);

    QString selectedJobId() const;
    void selectJob(const QString &id);
    QListView *view() const { return m_view; }

Q_SIGNALS:
    void selectedJobChanged(const QString &id);
    void cancelRequested(const QString &id);
    void retryRequested(const QString &id);

private:
    void updateDetails();

    core::JobListModel *m_model;
    QListView *m_view;
    QLabel *m_empty;
    QLabel *m_details;
    QPushButton *m_cancel;
    QPushButton *m_retry;
};

} // namespace pygmi::ui
