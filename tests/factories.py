"""factory_boy factories for the register (Faker's id_ID locale). Other apps add their own
factories next to their tests and build on these."""

import datetime
import itertools
import random

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from umkm import roles
from umkm.models import (
    Business,
    Enrolment,
    Kelurahan,
    Mentoring,
    Owner,
    Sector,
    StaffProfile,
    Training,
)

factory.Faker._DEFAULT_LOCALE = "id_ID"


_serials = itertools.count(1)


def random_nik(*, female: bool | None = None, birth: datetime.date | None = None) -> str:
    """A valid NIK, unique within a test run: area 317302, birth date (+40 for women), serial.

    Serials come from a counter and the area code varies with it, so no two are the same.
    """
    rnd = random.Random()
    birth = birth or datetime.date(rnd.randint(1960, 2004), rnd.randint(1, 12), rnd.randint(1, 28))
    female = rnd.random() < 0.5 if female is None else female
    day = birth.day + (40 if female else 0)
    n = next(_serials)
    area = 317302 + (n // 9999) * 100  # next kecamatan code after 9,999 serials
    return f"{area}{day:02d}{birth.month:02d}{birth.year % 100:02d}{n % 9999 + 1:04d}"


def kelurahan(code: str = "31.73.02.1002") -> Kelurahan:
    return Kelurahan.objects.select_related("kecamatan").get(code=code)


def sector(code: str = "kuliner") -> Sector:
    return Sector.objects.get(code=code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staf{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "kata-sandi-uji-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """UserFactory(role=roles.OPERATOR_KECAMATAN, kecamatan="31.73.02")"""
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


def admin_sudin(**kwargs):
    return UserFactory(role=roles.ADMIN_SUDIN, **kwargs)


def pejabat(**kwargs):
    return UserFactory(role=roles.PEJABAT, **kwargs)


def operator(kecamatan_code: str = "31.73.02", **kwargs):
    user = UserFactory(role=roles.OPERATOR_KECAMATAN, **kwargs)
    StaffProfile.objects.update_or_create(user=user, defaults={"kecamatan_id": kecamatan_code})
    return user


class OwnerFactory(DjangoModelFactory):
    class Meta:
        model = Owner

    full_name = factory.Faker("name")
    gender = "L"
    birth_date = datetime.date(1985, 7, 1)
    nik = factory.LazyAttribute(lambda o: random_nik(female=o.gender == "P", birth=o.birth_date))
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    email = factory.Faker("email")
    address = factory.Faker("street_address")
    kelurahan = factory.LazyFunction(kelurahan)

    @classmethod
    def _create(cls, model_class, *args, nik=None, **kwargs):
        owner = model_class(*args, **kwargs)
        owner.set_nik(nik or random_nik())
        owner.save()
        return owner


class BusinessFactory(DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Faker("company")
    slug = factory.Sequence(lambda n: f"umkm-{n}")
    owner = factory.SubFactory(OwnerFactory)
    sector = factory.LazyFunction(sector)
    products = factory.Faker("sentence", nb_words=4)
    kelurahan = factory.LazyFunction(kelurahan)
    address = factory.Faker("street_address")
    binaan_since = datetime.date(2023, 3, 1)
    yearly_omzet = 120_000_000


class TrainingFactory(DjangoModelFactory):
    class Meta:
        model = Training

    title = factory.Sequence(lambda n: f"Pelatihan Pemasaran Digital {n}")
    topic = "Pemasaran digital"
    organiser = "Sudin PPKUKM Jakarta Barat"
    start_date = datetime.date(2023, 3, 6)
    end_date = datetime.date(2023, 3, 8)
    place = "Kantor Walikota Jakarta Barat"
    capacity = 40


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    training = factory.SubFactory(TrainingFactory)
    business = factory.SubFactory(BusinessFactory)
    owner = factory.LazyAttribute(lambda e: e.business.owner)
    attended = True
    passed = True
    score = 80


class MentoringFactory(DjangoModelFactory):
    class Meta:
        model = Mentoring

    mentor = factory.SubFactory(UserFactory)
    business = factory.SubFactory(BusinessFactory)
    date = datetime.date(2023, 5, 10)
    topic = "Pencatatan keuangan"
    monthly_omzet = 10_000_000
