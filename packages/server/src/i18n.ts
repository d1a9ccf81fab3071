// Server-side messages (errors, notices) in Vietnamese first, English second, picked by Accept-Language.
import i18next, { type TFunction } from 'i18next';

export type Lang = 'vi' | 'en';

const resources = {
  vi: {
    translation: {
      error: {
        internal: 'Đã xảy ra lỗi máy chủ. Vui lòng thử lại sau.',
        invalidBbox: 'Khung bao (bbox) không hợp lệ: cần 4 số [tây, nam, đông, bắc] với kinh độ −180..180, vĩ độ −90..90, tây < đông và nam < bắc.',
        invalidWardCode: 'Mã phường/xã "{{code}}" không hợp lệ: mã gồm 5 chữ số, ví dụ 26740.',
        invalidProvinceCode: 'Mã tỉnh/thành phố "{{code}}" không hợp lệ: mã gồm 2 chữ số, ví dụ 79.',
        unknownWard: 'Không có phường/xã hiện hành nào mang mã {{code}}.',
        pageSize: 'Số phần tử mỗi trang phải từ 1 đến {{max}}.',
        invalidCursor: 'Con trỏ phân trang (after/before) không hợp lệ.',
        tooDeep: 'Truy vấn lồng quá sâu.',
        notFound: 'Không tìm thấy đường dẫn này.',
        tooManyAnswers: 'Quá nhiều câu trả lời: tối đa 500 điểm và 100 điều kiện bắt buộc.',
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
        internal: 'Something went wrong on the server. Please try again later.',
        invalidBbox: 'Invalid bbox: give 4 numbers [west, south, east, north] with longitude −180..180, latitude −90..90, west < east and south < north.',
        invalidWardCode: 'Ward/commune code "{{code}}" is not valid: codes have 5 digits, e.g. 26740.',
        invalidProvinceCode: 'Province code "{{code}}" is not valid: codes have 2 digits, e.g. 79.',
        unknownWard: 'No current ward/commune has code {{code}}.',
        pageSize: 'Page size must be from 1 to {{max}}.',
        invalidCursor: 'The pagination cursor (after/before) is not valid.',
        tooDeep: 'The query is nested too deeply.',
        notFound: 'No such path.',
        tooManyAnswers: 'Too many answers: at most 500 scores and 100 mandatory conditions.',
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
