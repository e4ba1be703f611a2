#pragma once

#include <QWidget>

namespace pygmi::ui {

// A small circular progress indicator with the percentage in the middle; indeterminate (a
// spinning arc) while the fraction is unknown.
class ProgressRing : public QWidget
{
    Q_OBJECT

public:
    explicit ProgressRing(QWidget *parent = nullptr);

    void setFraction(double fraction); // 0..1
    void setIndeterminate(bool indeterminate);
    void setDone(bool done);
    void setFailed(bool failed);
    double fraction() const { return m_fraction; }

    QSize sizeHint() const override { return { 40, 40 }; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void timerEvent(QTimerEvent *event) override;

private:
    double m_fraction = 0;
    bool m_indeterminate = false;
    bool m_done = false;
    bool m_failed = false;
    int m_timer = 0;
    int m_angle = 0;
};

} // namespace pygmi::ui
