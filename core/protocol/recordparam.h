#pragma once

#include "common/result.h"

#include <QCborMap>
#include <QStringList>

namespace roomrec {

// The guide's RecordParam / AVRecordInfo, field for field.
struct RecordParam {
    enum DataType : quint32 { Camera = 0, SubStream = 1 };
    enum SdkType : quint32 { SdkNormal = 0, SdkEducation = 1 };

    QString fileName; // without suffix; the server adds ".mp4"
    QStringList tags;
    quint32 classId = 0;
    bool transcode = false;
    bool screenshot = false;
    bool watermark = false;
    quint32 sdkType = SdkNormal;
    quint32 recordDataType = Camera;

    // Every field checked against the limits in protocollimits.h; codes 300000xx.
    Status validate() const;

    QCborMap toCbor() const;
    static Result<RecordParam> fromCbor(const QCborMap &map); // types checked, then validate()
};

} // namespace roomrec
