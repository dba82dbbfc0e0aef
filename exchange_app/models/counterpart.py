"""The people the city meets in partner cities, organisations, embassies and consulates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange_app.db import Base
from exchange_app.models.mixins import EditableRecord
from exchange_app.models.partner import PartnerCity
from exchange_app.models.promotion import Organization


class Counterpart(EditableRecord, Base):
    """A person of a partner city or an organisation (相手方の人物): one record over the years,
    whatever posts they hold; members, courtesy calls and gifts link to it."""

    __tablename__ = "counterparts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_city_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner_cities.id"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    name_local: Mapped[str] = mapped_column(String(200))
    name_romaji: Mapped[str | None] = mapped_column(String(200))
    name_kana: Mapped[str | None] = mapped_column(String(200))
    languages: Mapped[str | None] = mapped_column(String(200))
    business_email: Mapped[str | None] = mapped_column(String(254))
    business_phone: Mapped[str | None] = mapped_column(String(50))
    business_address: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    private_address: Mapped[str | None] = mapped_column(String(500))
    private_phone: Mapped[str | None] = mapped_column(String(50))
    private_email: Mapped[str | None] = mapped_column(String(254))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("counterparts.id"))

    partner_city: Mapped[PartnerCity | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    merged_into: Mapped[Counterpart | None] = relationship(remote_side=[id])
    posts: Mapped[list[CounterpartPost]] = relationship(
        back_populates="counterpart",
        cascade="all, delete-orphan",
        order_by="CounterpartPost.position",
    )

    @property
    def current_post(self) -> CounterpartPost | None:
        """The post held now: the latest one without an end date, else the latest one."""
        if not self.posts:
            return None
        open_posts = [post for post in self.posts if post.end_date is None]
        candidates = open_posts or self.posts
        return max(candidates, key=lambda post: (post.start_date or date.min, post.position))


class CounterpartPost(Base):
    """A title a counterpart held in an organisation, from a date to a date (both optional)."""

    __tablename__ = "counterpart_posts"
    __table_args__ = (
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
            name="end_after_start",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    counterpart_id: Mapped[int] = mapped_column(
        ForeignKey("counterparts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    counterpart: Mapped[Counterpart] = relationship(back_populates="posts")
