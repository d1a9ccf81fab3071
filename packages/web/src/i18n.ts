import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';

export const resources = {
  vi: {
    translation: {
      appTitle: 'EduGIS — Bản đồ trường học',
      region: 'Thành phố Hồ Chí Minh',
      language: 'Ngôn ngữ',
      switchTo: 'English',
      legend: 'Chú giải',
      wards: 'Ranh giới phường/xã (sau 1/7/2025)',
      realSchool: 'Viền đậm: trường thật (OpenStreetMap)',
      level: { PRESCHOOL: 'Mầm non', PRIMARY: 'Tiểu học', LOWER_SECONDARY: 'THCS', UPPER_SECONDARY: 'THPT', MULTI: 'Nhiều cấp học', CONTINUING: 'GDNN-GDTX' },
      ownership: { PUBLIC: 'Công lập', PRIVATE: 'Tư thục', PEOPLE_FOUNDED: 'Dân lập', UNKNOWN: 'Chưa rõ loại hình' },
      synthetic: 'Dữ liệu mô phỏng',
      real: 'Dữ liệu thật',
      aboutData: 'Nguồn dữ liệu',
      licence: 'Giấy phép',
      school: 'Trường',
      ward: 'Phường/xã',
      levels: 'Cấp học',
      capacity: 'Sức chứa',
      enrolment: 'Sĩ số',
      source: 'Nguồn',
      digitalSchool: 'Trường học số',
      maturity: 'Chuyển đổi số (QĐ 4725)',
      levelN: 'Mức {{n}}',
      close: 'Đóng',
      loading: 'Đang tải…',
      mapLabel: 'Bản đồ trường học và ranh giới phường/xã',
      selectHint: 'Chọn một trường để xem thông tin, hoặc chọn nơi ở của bạn để xem trường được phân tuyến.',
      zonesHere: 'Trường được phân tuyến tại đây',
      schoolYear: 'Năm học',
      entryGrade: 'Lớp {{grade}}',
      loadError: 'Không tải được dữ liệu bản đồ.',
    },
  },
  en: {
    translation: {
      appTitle: 'EduGIS — School map',
      region: 'Ho Chi Minh City',
      language: 'Language',
      switchTo: 'Tiếng Việt',
      legend: 'Legend',
      wards: 'Ward/commune boundaries (since 1 July 2025)',
      realSchool: 'Bold outline: real school (OpenStreetMap)',
      level: { PRESCHOOL: 'Preschool', PRIMARY: 'Primary', LOWER_SECONDARY: 'Lower secondary', UPPER_SECONDARY: 'Upper secondary', MULTI: 'Multi-level', CONTINUING: 'Continuing education' },
      ownership: { PUBLIC: 'Public', PRIVATE: 'Private', PEOPLE_FOUNDED: 'People-founded', UNKNOWN: 'Ownership unknown' },
      synthetic: 'Synthetic data',
      real: 'Real data',
      aboutData: 'Data sources',
      licence: 'Licence',
      school: 'School',
      ward: 'Ward/commune',
      levels: 'Levels',
      capacity: 'Capacity',
      enrolment: 'Enrolment',
      source: 'Source',
      digitalSchool: 'Digital school',
      maturity: 'Digital transformation (QĐ 4725)',
      levelN: 'Level {{n}}',
      close: 'Close',
      loading: 'Loading…',
      mapLabel: 'Map of schools and ward boundaries',
      selectHint: 'Pick a school to see its details, or pick your home to see which schools it is zoned for.',
      zonesHere: 'Schools zoned for this place',
      schoolYear: 'School year',
      entryGrade: 'Grade {{grade}}',
      loadError: 'Could not load the map data.',
    },
  },
} as const;

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('edugis.lang') : null;
const fromUrl = new URLSearchParams(location.search).get('lang');
export const initialLang = fromUrl === 'en' || fromUrl === 'vi' ? fromUrl : saved === 'en' ? 'en' : 'vi';

await i18next.use(initReactI18next).init({ resources, lng: initialLang, fallbackLng: 'vi', interpolation: { escapeValue: false }, showSupportNotice: false } as never);
export default i18next;
