// Server-side messages (errors, notices) in Vietnamese first, English second, picked by Accept-Language.
import i18next, { type TFunction } from 'i18next';

export type Lang = 'vi' | 'en';

const resources = {
  vi: {
    translation: {
      error: {
        internal: 'Đã xảy ra lỗi máy chủ (mã yêu cầu {{id}}). Vui lòng thử lại sau; nếu lỗi lặp lại, hãy báo mã này cho quản trị.',
        pageArgsCombination: 'Tham số phân trang không hợp lệ: dùng first/after để đi tới, hoặc last/before để đi lùi, không dùng lẫn hai cách.',
        pageNegative: 'Số phần tử mỗi trang (first/last) không được là số âm.',
        invalidArgument: 'Một giá trị gửi lên không hợp lệ (sai kiểu hoặc vượt giới hạn).',
        nulCharacter: 'Nội dung gửi lên có ký tự rỗng (NUL, \\u0000), không được phép trong văn bản.',
        statementTimeout: 'Truy vấn chạy quá lâu nên đã bị dừng. Hãy thu hẹp phạm vi (ít đơn vị hơn, khoảng cách nhỏ hơn) rồi thử lại.',
        busy: 'Máy chủ đang bận (rất nhiều người cùng lưu lúc này), nên thao tác chưa được thực hiện và chưa có gì được lưu. Hãy thử lại sau ít giây.',
        invalidBbox: 'Khung bao (bbox) không hợp lệ: cần 4 số [tây, nam, đông, bắc] với kinh độ −180..180, vĩ độ −90..90, tây < đông và nam < bắc.',
        invalidMapBbox: 'Khung bao (bbox) không hợp lệ: cần "tây,nam,đông,bắc" với kinh độ −180..180, vĩ độ −90..90, tây < đông, nam < bắc, mỗi cạnh tối đa {{max}} độ.',
        invalidTile: 'Ô bản đồ không hợp lệ: mức thu phóng từ 0 đến {{max}}, x và y từ 0 đến 2^z − 1.',
        invalidWardCode: 'Mã phường/xã "{{code}}" không hợp lệ: mã gồm 5 chữ số, ví dụ 26740.',
        invalidProvinceCode: 'Mã tỉnh/thành phố "{{code}}" không hợp lệ: mã gồm 2 chữ số, ví dụ 79.',
        unknownWard: 'Không có phường/xã hiện hành nào mang mã {{code}}.',
        pageSize: 'Số phần tử mỗi trang phải từ 1 đến {{max}}.',
        invalidCursor: 'Con trỏ phân trang (after/before) không hợp lệ.',
        tooDeep: 'Truy vấn lồng quá sâu.',
        notFound: 'Không tìm thấy đường dẫn này.',
        tooManyAnswers: 'Quá nhiều câu trả lời: tối đa 500 điểm và 100 điều kiện bắt buộc.',
        invalidPoint: 'Tọa độ không hợp lệ: kinh độ phải từ −180 đến 180 và vĩ độ từ −90 đến 90.',
        invalidLimit: 'Số kết quả phải là số nguyên từ 1 đến {{max}}.',
        invalidDistance: 'Khoảng cách phải lớn hơn 0 và không quá {{max}} m.',
        emptySearch: 'Hãy nhập từ khóa tìm kiếm.',
        searchTooLong: 'Từ khóa tìm kiếm quá dài (tối đa {{max}} ký tự).',
        emptyReport: 'Hãy mô tả vấn đề (ví dụ: trường thực tế nằm ở đâu).',
        reportTooLong: 'Nội dung phản ánh quá dài (tối đa {{max}} ký tự).',
        unknownSchool: 'Không có trường nào mang mã "{{id}}".',
        tooManyReports: 'Bạn đã gửi quá nhiều phản ánh (tối đa {{max}} lần mỗi giờ). Vui lòng thử lại sau.',
        unknownSchoolYear: 'Không có dữ liệu tuyển sinh cho năm học "{{year}}". Các năm học có dữ liệu: {{known}}.',
        notSignedIn: 'Hãy đăng nhập để thực hiện thao tác này.',
        sessionExpired: 'Phiên đăng nhập đã hết hạn. Hãy đăng nhập lại.',
        forbidden: 'Tài khoản của bạn không có quyền thực hiện thao tác này.',
        invalidCredentials: 'Tên đăng nhập hoặc mật khẩu không đúng.',
        loginRateLimited: 'Đăng nhập sai quá nhiều lần. Hãy thử lại sau {{minutes}} phút.',
        assessmentNotFound: 'Không tìm thấy kết quả đánh giá này, hoặc bạn không có quyền xem.',
        staleVersion: 'Kết quả này vừa được người khác thay đổi (phiên bản {{current}}, bạn đang sửa phiên bản {{yours}}). Hãy tải lại để xem thay đổi rồi làm lại; thay đổi của bạn chưa được lưu.',
        versionRequired: 'Kết quả năm học này đã có (phiên bản {{current}}): hãy gửi kèm số phiên bản bạn đang sửa.',
        invalidSchoolYear: 'Năm học "{{year}}" không hợp lệ: viết dạng 2026-2027, và không quá năm học hiện tại.',
        noManagingUnit: 'Chưa xác định được cơ quan quản lý của trường (trường chưa gắn với phường/xã), nên chưa thể nộp.',
        alreadyCorrected: 'Kết quả này đã có một bản đính chính; hãy đính chính bản mới nhất.',
        correctionReasonRequired: 'Đính chính kết quả đã công bố cần ghi rõ lý do.',
        invalidEvidence: 'Minh chứng cho {{code}} không hợp lệ: {{why}}',
        evidenceUnknownCriterion: 'không có tiêu chí {{code}} trong bộ chỉ số.',
        evidenceLink: 'đường dẫn phải bắt đầu bằng http:// hoặc https://.',
        evidenceEmpty: 'nội dung trống.',
        evidenceTooLong: 'dài quá {{max}} ký tự.',
        tooMuchEvidence: 'Quá nhiều minh chứng: tối đa {{max}}.',
        textTooLong: 'Nội dung quá dài (tối đa {{max}} ký tự).',
        notStaff: 'Chỉ cán bộ phường/xã hoặc Sở GDĐT có danh sách thẩm định.',
        unknownResultYear: 'Không có kết quả đã công bố nào cho năm học "{{year}}". Các năm học có kết quả: {{known}}.',
        unknownProvince: 'Không có tỉnh/thành phố hiện hành nào mang mã {{code}}.',
        preschoolNotAssessed: 'Trường mầm non không đánh giá theo QĐ 4725: hãy chọn cấp tiểu học trở lên.',
        formerUnitsYear: 'Năm học {{year}} đã sau cải cách hành chính 1/7/2025: quận/huyện cũ chỉ có đến năm học {{last}}.',
        catchmentNeedsServer: 'Chất lượng khu vực tuyển sinh cần máy chủ PostgreSQL có PostGIS: cơ sở dữ liệu nhúng (PGlite) không tính được các phép chồng lớp này. Hãy đặt DATABASE_URL.',
        demandRole: 'Chỉ chuyên viên Sở GDĐT (hoặc quản trị) được nạp số trẻ trong độ tuổi.',
        demandSource: 'Hãy ghi nguồn số liệu (tối đa {{max}} ký tự).',
        demandRows: 'Cần từ 1 đến {{max}} dòng số liệu (đã gửi {{n}}).',
        demandChildren: 'Dòng {{row}}: số trẻ phải là số nguyên từ 0 đến {{max}}.',
        demandDuplicate: 'Dòng {{row}}: phường/xã {{code}} đã có ở dòng trước.',
        demandScope: 'Các phường/xã này không thuộc tỉnh/thành phố của bạn: {{codes}}.',
        compareCount: 'Hãy chọn từ 2 đến {{max}} đơn vị để so sánh (đang chọn {{n}}).',
        unknownUnits: 'Không có đơn vị mã {{codes}} trong {{parent}}.',
        invalidEntryGrade: 'Lớp đầu cấp {{grade}} không hợp lệ: chỉ có lớp 1, 6 hoặc 10.',
      },
      analytics: { unattributed: 'Không xác định được quận/huyện cũ (phường/xã mới gộp từ nhiều quận/huyện)' },
      zone: {
        outside: 'Vị trí này nằm ngoài vùng EduGIS có dữ liệu phường/xã (có thể ở ngoài biển hoặc ngoài Việt Nam).',
        zoned: 'Địa chỉ này thuộc khu vực tuyển sinh lớp {{grade}} năm học {{year}} của {{school}}, cách trường {{distance}} theo đường chim bay (khoảng {{minutes}} phút đi bộ).',
        none: 'Không có khu vực tuyển sinh lớp {{grade}} nào năm học {{year}} chứa địa chỉ này.',
        noneNearest: 'Các trường gần nhất: {{list}}.',
        several: 'Địa chỉ này nằm trong khu vực tuyển sinh lớp {{grade}} của {{count}} trường (trên ranh giới giữa các khu vực): {{list}}. Hãy liên hệ phòng giáo dục phường/xã để được xác nhận.',
        rule: 'Cách xác định khu vực: {{rule}}.',
        ruleVoronoi: 'mỗi địa chỉ thuộc trường công lập cùng cấp gần nhất trong phường/xã',
        synthetic: 'Lưu ý: đây là khu vực tuyển sinh mô phỏng, không phải khu vực thật.',
      },
      notice: {
        synthetic:
          'Dữ liệu mô phỏng: không tìm thấy thư mục dữ liệu thật, nên ranh giới phường, trường học, khu vực tuyển sinh và kết quả đánh giá đều được sinh tự động, không phải thông tin thật.',
        mixed:
          'Ranh giới hành chính và {{real}} điểm trường là dữ liệu thật (xem nguồn). {{synthetic}} trường, toàn bộ khu vực tuyển sinh và kết quả đánh giá chuyển đổi số là dữ liệu mô phỏng, không phải thông tin thật.',
      },
    },
  },
  en: {
    translation: {
      error: {
        internal: 'Something went wrong on the server (request {{id}}). Please try again later; if it happens again, quote this id to the administrator.',
        pageArgsCombination: 'Invalid page arguments: use first/after to page forward, or last/before to page backward, not both.',
        pageNegative: 'The page size (first/last) must not be negative.',
        invalidArgument: 'A value sent is not valid (wrong type or out of range).',
        nulCharacter: 'The request contains a NUL character (\\u0000), which is not allowed in text.',
        statementTimeout: 'The query ran too long and was stopped. Narrow it (fewer units, a smaller distance) and try again.',
        busy: 'The server is busy (very many people are saving right now), so this was not done and nothing was saved. Please try again in a few seconds.',
        invalidBbox: 'Invalid bbox: give 4 numbers [west, south, east, north] with longitude −180..180, latitude −90..90, west < east and south < north.',
        invalidMapBbox: 'Invalid bbox: give "west,south,east,north" with longitude −180..180, latitude −90..90, west < east, south < north, at most {{max}} degrees a side.',
        invalidTile: 'Invalid map tile: zoom from 0 to {{max}}, x and y from 0 to 2^z − 1.',
        invalidWardCode: 'Ward/commune code "{{code}}" is not valid: codes have 5 digits, e.g. 26740.',
        invalidProvinceCode: 'Province code "{{code}}" is not valid: codes have 2 digits, e.g. 79.',
        unknownWard: 'No current ward/commune has code {{code}}.',
        pageSize: 'Page size must be from 1 to {{max}}.',
        invalidCursor: 'The pagination cursor (after/before) is not valid.',
        tooDeep: 'The query is nested too deeply.',
        notFound: 'No such path.',
        tooManyAnswers: 'Too many answers: at most 500 scores and 100 mandatory conditions.',
        invalidPoint: 'Invalid coordinates: longitude must be from −180 to 180 and latitude from −90 to 90.',
        invalidLimit: 'The number of results must be a whole number from 1 to {{max}}.',
        invalidDistance: 'The distance must be above 0 and at most {{max}} m.',
        emptySearch: 'Type something to search for.',
        searchTooLong: 'The search text is too long (at most {{max}} characters).',
        emptyReport: 'Please describe the problem (for example, where the school really is).',
        reportTooLong: 'The report is too long (at most {{max}} characters).',
        unknownSchool: 'There is no school with id "{{id}}".',
        tooManyReports: 'You have sent too many reports (at most {{max}} an hour). Please try again later.',
        unknownSchoolYear: 'There is no admissions data for school year "{{year}}". School years with data: {{known}}.',
        notSignedIn: 'Please sign in to do this.',
        sessionExpired: 'Your session has expired. Please sign in again.',
        forbidden: 'Your account may not do this.',
        invalidCredentials: 'Wrong username or password.',
        loginRateLimited: 'Too many failed sign-ins. Try again in {{minutes}} minutes.',
        assessmentNotFound: 'This assessment does not exist, or you may not see it.',
        staleVersion: 'Someone else changed this assessment meanwhile (version {{current}}; you were editing version {{yours}}). Reload to see their change, then redo yours; your change was not saved.',
        versionRequired: 'This school year already has an assessment (version {{current}}): send the version you are editing.',
        invalidSchoolYear: 'School year "{{year}}" is not valid: write it like 2026-2027, no later than the current school year.',
        noManagingUnit: 'The school has no managing authority yet (it is not placed in a ward/commune), so it cannot submit.',
        alreadyCorrected: 'This result already has a correction; correct the newest one.',
        correctionReasonRequired: 'Say why a published result is being corrected.',
        invalidEvidence: 'The evidence for {{code}} is not valid: {{why}}',
        evidenceUnknownCriterion: 'there is no criterion {{code}} in the index.',
        evidenceLink: 'a link must start with http:// or https://.',
        evidenceEmpty: 'it is empty.',
        evidenceTooLong: 'it is longer than {{max}} characters.',
        tooMuchEvidence: 'Too much evidence: at most {{max}} entries.',
        textTooLong: 'The text is too long (at most {{max}} characters).',
        notStaff: 'Only ward/commune or provincial education staff have a review queue.',
        unknownResultYear: 'There are no published results for school year "{{year}}". School years with results: {{known}}.',
        unknownProvince: 'No current province has code {{code}}.',
        preschoolNotAssessed: 'Preschools are not assessed under Decision 4725: choose primary or above.',
        formerUnitsYear: 'School year {{year}} is after the reform of 1 July 2025: the former districts exist up to school year {{last}}.',
        catchmentNeedsServer: 'Catchment quality needs a PostgreSQL server with PostGIS: the embedded database (PGlite) cannot compute these overlays. Set DATABASE_URL.',
        demandRole: 'Only province education staff (or admins) may load the numbers of children.',
        demandSource: 'Say where the figures come from (at most {{max}} characters).',
        demandRows: 'Send 1 to {{max}} rows of figures ({{n}} sent).',
        demandChildren: 'Row {{row}}: the number of children must be a whole number from 0 to {{max}}.',
        demandDuplicate: 'Row {{row}}: ward {{code}} is already in an earlier row.',
        demandScope: 'These wards are not in your province: {{codes}}.',
        compareCount: 'Choose 2 to {{max}} units to compare ({{n}} chosen).',
        unknownUnits: 'There is no unit {{codes}} in {{parent}}.',
        invalidEntryGrade: 'Entry grade {{grade}} is not valid: only grades 1, 6 and 10.',
      },
      analytics: { unattributed: 'Former district unknown (today\'s ward was made from several districts)' },
      zone: {
        outside: 'This place is outside the area for which EduGIS has ward data (perhaps at sea or outside Vietnam).',
        zoned: 'This address is in the grade {{grade}} admission zone of {{school}} for {{year}}, {{distance}} from the school in a straight line (about {{minutes}} minutes on foot).',
        none: 'No grade {{grade}} admission zone for {{year}} contains this address.',
        noneNearest: 'Nearest schools: {{list}}.',
        several: 'This address lies in the grade {{grade}} admission zones of {{count}} schools (on the border between zones): {{list}}. Ask the ward education office to confirm.',
        rule: 'How the zone is drawn: {{rule}}.',
        ruleVoronoi: 'each address goes to the nearest public school of the level in its ward',
        synthetic: 'Note: this is a synthetic admission zone, not a real one.',
      },
      notice: {
        synthetic:
          'Synthetic data: no real data directory was found, so ward boundaries, schools, enrollment zones and assessment results are all generated, not real.',
        mixed:
          'Administrative boundaries and {{real}} school points are real data (see sources). {{synthetic}} schools, all enrollment zones and all digital-transformation results are synthetic, not real.',
      },
    },
  },
} as const;

const instance = i18next.createInstance();
await instance.init({ resources, fallbackLng: 'vi', supportedLngs: ['vi', 'en'], interpolation: { escapeValue: false }, initImmediate: false, showSupportNotice: false } as never);

export function pickLang(header: string | undefined | null): Lang {
  // First supported language in the header's order; Vietnamese when none is named.
  for (const part of (header ?? '').split(',')) {
    const tag = part.trim().split(';')[0]!.toLowerCase();
    if (tag.startsWith('vi')) return 'vi';
    if (tag.startsWith('en')) return 'en';
  }
  return 'vi';
}

export function translator(lang: Lang): TFunction {
  return instance.getFixedT(lang);
}
