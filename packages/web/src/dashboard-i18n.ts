// Strings of the maturity dashboard, loaded with it.
import i18next from 'i18next';

const vi = {
  dash: {
    title: 'Chuyển đổi số theo phường/xã — {{province}}', province: 'Tỉnh/thành phố',
    zoneYear: 'Năm tuyển sinh', exportZoneProblems: 'Tải vùng trống và vùng chồng lấn (GeoJSON)',
    zoneGapsHint: 'Tỉ lệ diện tích phường/xã không thuộc khu vực tuyển sinh lớp {{grade}} nào, năm {{year}} (chọn cấp THCS để xem lớp 6): {{gaps}} phường/xã có vùng trống, {{overlaps}} cặp khu vực chồng lấn.',
    former: 'Theo quận/huyện lúc đó (trước 1/7/2025)', district: 'Quận/huyện (trước 1/7/2025)', formerCaption: 'Các quận/huyện cũ theo tên; cuối bảng: các trường không xác định được quận/huyện cũ.',
    formerNote: 'Quận/huyện cũ không có ranh giới trong dữ liệu nên không vẽ trên bản đồ. Mỗi trường được xếp qua bảng chuyển đổi 2025: {{placed}} phường/xã hiện nay được lập trọn từ một quận/huyện cũ; {{split}} phường/xã lập từ nhiều quận/huyện nên {{n}} trường ở đó được tính riêng.',
    includeDrafts: 'Gồm kết quả đang đánh giá (chưa công bố) trong phạm vi của tôi', drafts: 'Chưa công bố', draftsCounted: '{{n}} chưa công bố', allUnits: 'toàn quốc',
    draftsNotice: 'Số liệu nội bộ: gồm {{n}} kết quả chưa công bố của các trường thuộc {{scope}} (kết quả mới nhất thay cho kết quả đã công bố). Không công khai số liệu này.',
    publishedOnly: 'Chỉ tính kết quả đã công bố. Kết quả của trường mô phỏng là dữ liệu mô phỏng.',
    metric: 'Chỉ số', year: 'Năm học', ownership: 'Loại hình', all: 'Tất cả',
    metrics: { digitalSchoolShare: 'Tỉ lệ trường học số', coverage: 'Tỉ lệ trường đã công bố kết quả', meanGroup1Score: 'Điểm TB nhóm dạy, học', meanGroup2Score: 'Điểm TB nhóm quản trị', schoolReach: 'Diện tích trong bán kính tới trường', zoneGaps: 'Diện tích ngoài mọi khu vực tuyển sinh' },
    distance: 'Bán kính', reachHint: 'Tỉ lệ diện tích phường/xã cách một trường {{level}} không quá {{d}} m (đường chim bay; tính cả trường ở phường bên cạnh).', exportUncovered: 'Tải vùng ngoài bán kính (GeoJSON)',
    noData: 'Không có kết quả', thin: 'Ít dữ liệu (dưới 5 kết quả): màu nhạt',
    overall: 'Chung', distribution: 'Phân bố mức ({{n}} kết quả đã công bố)', distributionChart: 'Biểu đồ phân bố Mức 1, 2, 3',
    exportCsv: 'Tải bảng (CSV)', exportGeoJson: 'Tải lớp bản đồ (GeoJSON)',
    tableCaption: 'Các phường/xã theo tên (không xếp hạng). Bấm tên để xem chi tiết.', published: 'Đã công bố / số trường',
    compare: 'So sánh các phường/xã đã chọn ({{n}}; 2 đến {{max}})', pick: 'Chọn {{name}} để so sánh', compareTitle: 'So sánh phường/xã, năm học {{year}}', smallMultiples: 'Tỉ lệ Mức 1/2/3 theo từng năm học',
    unmet: 'Tiêu chí chưa đạt phổ biến nhất ({{year}})', unmetNone: 'Chưa có kết quả nào được chấm chi tiết từng tiêu chí trong EduGIS năm học này (kết quả mô phỏng chỉ có điểm nhóm).', unmetSchools: '{{n}}/{{of}} trường cần để lên mức tiếp theo', mandatory: 'điều kiện bắt buộc',
    back: 'Quay lại toàn tỉnh/thành phố', print: 'In trang tóm tắt', thinWard: 'Chỉ có {{n}} kết quả đã công bố: đọc số liệu thận trọng.',
    wardDistribution: 'Phân bố mức trong phường/xã', trend: 'Diễn biến qua các năm học', schools: 'Các trường', noResult: 'chưa có kết quả công bố',
    csv: { code: 'Mã', name: 'Tên', year: 'Năm học', schools: 'Số trường', published: 'Đã công bố', drafts: 'Chưa công bố', level1: 'Mức 1', level2: 'Mức 2', level3: 'Mức 3',
      digitalShare: 'Tỉ lệ trường học số', meanG1: 'Điểm TB dạy học', medianG1: 'Trung vị dạy học', meanG2: 'Điểm TB quản trị', medianG2: 'Trung vị quản trị', thin: 'Ít dữ liệu' },
  },
};
const en: typeof vi = {
  dash: {
    title: 'Digital transformation by ward — {{province}}', province: 'Province',
    zoneYear: 'Admission year', exportZoneProblems: 'Download gaps and overlaps (GeoJSON)',
    zoneGapsHint: 'Share of each ward\'s area in no grade-{{grade}} admission zone, {{year}} (choose lower secondary for grade 6): {{gaps}} wards with gaps, {{overlaps}} overlapping pairs of zones.',
    former: 'On the districts of that time (before 1 July 2025)', district: 'District (before 1 July 2025)', formerCaption: 'Former districts by name; last row: schools whose former district cannot be told.',
    formerNote: 'Former districts have no boundaries in the data, so they are not drawn on the map. Schools are placed through the 2025 crosswalk: {{placed}} of today\'s wards were made wholly from one former district; {{split}} were made from several, so their {{n}} schools are counted apart.',
    includeDrafts: 'Include results in progress (not yet published) within my scope', drafts: 'Not yet published', draftsCounted: '{{n}} not yet published', allUnits: 'the whole country',
    draftsNotice: 'Internal figures: they include {{n}} results not yet published of schools in {{scope}} (the newest result instead of the published one). Do not publish them.',
    publishedOnly: 'Published results only. Results of synthetic schools are synthetic data.',
    metric: 'Metric', year: 'School year', ownership: 'Ownership', all: 'All',
    metrics: { digitalSchoolShare: 'Digital-school share', coverage: 'Share of schools with a published result', meanGroup1Score: 'Mean score, teaching and learning', meanGroup2Score: 'Mean score, management', schoolReach: 'Area within reach of a school', zoneGaps: 'Area in no admission zone' },
    distance: 'Distance', reachHint: 'Share of the ward\'s area within {{d}} m of a {{level}} school (straight line; schools in neighbouring wards count).', exportUncovered: 'Download areas out of reach (GeoJSON)',
    noData: 'No results', thin: 'Thin data (fewer than 5 results): pale',
    overall: 'Overall', distribution: 'Distribution of levels ({{n}} published results)', distributionChart: 'Chart of levels 1, 2, 3',
    exportCsv: 'Download table (CSV)', exportGeoJson: 'Download map layer (GeoJSON)',
    tableCaption: 'Wards by name (not ranked). Click a name for details.', published: 'Published / schools',
    compare: 'Compare the chosen wards ({{n}}; 2 to {{max}})', pick: 'Choose {{name}} to compare', compareTitle: 'Wards compared, school year {{year}}', smallMultiples: 'Shares at levels 1/2/3, year by year',
    unmet: 'Criteria most often unmet ({{year}})', unmetNone: 'No result scored criterion by criterion in EduGIS this school year (synthetic results have group scores only).', unmetSchools: 'on the path to the next level of {{n}}/{{of}} schools', mandatory: 'mandatory condition',
    back: 'Back to the whole province', print: 'Print a one-page summary', thinWard: 'Only {{n}} published results: read the figures with care.',
    wardDistribution: 'Levels in the ward', trend: 'Over the school years', schools: 'Schools', noResult: 'no published result',
    csv: { code: 'Code', name: 'Name', year: 'School year', schools: 'Schools', published: 'Published', drafts: 'Not yet published', level1: 'Level 1', level2: 'Level 2', level3: 'Level 3',
      digitalShare: 'Digital-school share', meanG1: 'Mean teaching', medianG1: 'Median teaching', meanG2: 'Mean management', medianG2: 'Median management', thin: 'Thin data' },
  },
};
i18next.addResourceBundle('vi', 'translation', vi, true, false);
i18next.addResourceBundle('en', 'translation', en, true, false);
