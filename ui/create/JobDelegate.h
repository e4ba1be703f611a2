#pragma once

#include "generation/GenerationTypes.h"

#include <QCache>
#include <QImage>
#include <QStyledItemDelegate>

namespace pygmi::ui {

// One job row: a square thumbnail (live preview while running), the prompt, the state in words
// and a progress bar with the step count, or the reason it failed.
class JobDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit JobDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    static QString stateText(const core::Generation &job);

private:
    mutable QCache<QString, QImage> m_previews; // job id + size of the bytes -> decoded
};

} // namespace pygmi::ui
